/**
 * The relay serves this page and speaks Concord's sync protocol on the same host and port, so the WebSocket URL is the
 * page's own origin with ws: or wss:. `?relay=ws://…` overrides it (e.g. under `vite` dev, with a relay elsewhere).
 */
export function relayUrl(location: Location): string {
  const override = new URLSearchParams(location.search).get('relay');
  if (override && /^wss?:\/\/[^\s]+$/.test(override)) return override;
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
}
