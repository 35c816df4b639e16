/** React's "bivariance hack": lets both the DOM's and `ws`'s handler types satisfy one structural type. */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** The part of the WebSocket API the transport uses; the browser's `WebSocket` and `ws`'s both fit. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  /** The subprotocol the server selected. */
  readonly protocol: string;
  /** Sends one binary frame. */
  send(data: Uint8Array): void;
  /** Closes the socket. */
  close(code?: number, reason?: string): void;
  /** Called once the socket is open. */
  onopen: Handler<unknown> | null;
  /** Called with each inbound frame. */
  onmessage: Handler<{ readonly data: unknown }> | null;
  /** Called once the socket closed, with the close code and reason. */
  onclose: Handler<{ readonly code: number; readonly reason: string }> | null;
  /** Called on a socket error (a close follows). */
  onerror: Handler<unknown> | null;
}

/** A WebSocket class: the browser's, Node 22's, or the `ws` package's. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** Where `online`/`offline` events come from: `window` in browsers. */
export interface ConnectivitySource {
  /** Calls `listener` on each `online` or `offline` event. */
  addEventListener(type: 'online' | 'offline', listener: () => void): void;
  /** Stops calling a listener added with `addEventListener`. */
  removeEventListener(type: 'online' | 'offline', listener: () => void): void;
}

/** A token, or a function returning a fresh one before each connection attempt (sent as `?token=`). */
export type TokenSource = string | (() => string | Promise<string>);

/** Options of `WebSocketTransport`: where the relay is, how to authenticate, and how to retry. */
export interface WebSocketTransportOptions {
  /** Relay URL(s), `ws:` or `wss:`. With several, a failed attempt moves on to the next, in order, wrapping around. */
  readonly url: string | readonly string[];
  /** WebSocket implementation. Default: `globalThis.WebSocket` (browsers, Node 22+); pass `ws`'s in Node 20. */
  readonly WebSocket?: WebSocketConstructor;
  readonly token?: TokenSource;
  /** Connect at construction. Default true. */
  readonly connect?: boolean;
  /** Ping period while connected, ms. */
  readonly heartbeatIntervalMs?: number;
  /** Inbound silence after which the socket is considered dead and replaced, ms. Must exceed the interval. */
  readonly heartbeatTimeoutMs?: number;
  /** Ceiling of the first reconnect delay, ms. */
  readonly backoffBaseMs?: number;
  /** Largest reconnect delay, ms. */
  readonly backoffCapMs?: number;
  /** A connection open this long resets the backoff, ms. */
  readonly healthyAfterMs?: number;
  /** When the relay goes away (close 1001) every client hears it at once: reconnect within at least this window, ms. */
  readonly goingAwayJitterMs?: number;
  /** Uniform random in [0, 1) for jitter. Default `Math.random`. */
  readonly random?: () => number;
  /**
   * Source of `online`/`offline` events. Default: `globalThis` when it has `addEventListener` (browsers), else none.
   * `null` disables it.
   */
  readonly connectivity?: ConnectivitySource | null;
  /** Most documents per Subscribe frame. */
  readonly maxDocsPerSubscribe?: number;
  /** Approximate largest Subscribe frame, bytes. */
  readonly maxSubscribeBytes?: number;
}

/** Defaults of every optional numeric option. */
export const DEFAULT_TRANSPORT_OPTIONS = {
  connect: true,
  // 3 s pings and an 8 s deadline detect a dead connection within about 10 s (the README promises that bound).
  heartbeatIntervalMs: 3_000,
  heartbeatTimeoutMs: 8_000,
  backoffBaseMs: 500,
  backoffCapMs: 30_000,
  healthyAfterMs: 5_000,
  goingAwayJitterMs: 2_000,
  maxDocsPerSubscribe: 500,
  maxSubscribeBytes: 1024 * 1024,
} as const;

export interface ResolvedTransportOptions {
  readonly urls: readonly string[];
  readonly WebSocket: WebSocketConstructor;
  readonly token: TokenSource | undefined;
  readonly connect: boolean;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTimeoutMs: number;
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
  readonly healthyAfterMs: number;
  readonly goingAwayJitterMs: number;
  readonly random: () => number;
  readonly connectivity: ConnectivitySource | null;
  readonly maxDocsPerSubscribe: number;
  readonly maxSubscribeBytes: number;
}

/** Applies defaults and throws `TypeError` for values or combinations that cannot work. */
export function resolveOptions(options: WebSocketTransportOptions): ResolvedTransportOptions {
  const resolved: ResolvedTransportOptions = {
    ...DEFAULT_TRANSPORT_OPTIONS,
    ...withoutUndefined(options),
    urls: resolveUrls(options.url),
    WebSocket: options.WebSocket ?? defaultWebSocket(),
    token: options.token,
    random: options.random ?? Math.random,
    connectivity: options.connectivity === undefined ? defaultConnectivity() : options.connectivity,
  };
  for (const key of ['heartbeatIntervalMs', 'heartbeatTimeoutMs', 'backoffBaseMs', 'backoffCapMs', 'maxDocsPerSubscribe', 'maxSubscribeBytes'] as const) {
    positive(key, resolved[key]);
  }
  for (const key of ['healthyAfterMs', 'goingAwayJitterMs'] as const) {
    if (!Number.isFinite(resolved[key]) || resolved[key] < 0) throw new TypeError(`${key} must be a finite number >= 0`);
  }
  if (resolved.heartbeatTimeoutMs <= resolved.heartbeatIntervalMs) {
    throw new TypeError('heartbeatTimeoutMs must exceed heartbeatIntervalMs, or a healthy idle connection would be declared dead');
  }
  if (resolved.backoffCapMs < resolved.backoffBaseMs) throw new TypeError('backoffCapMs must be >= backoffBaseMs');
  const token: unknown = resolved.token;
  if (token !== undefined && typeof token !== 'string' && typeof token !== 'function') {
    throw new TypeError('token must be a string or a function returning one');
  }
  if (typeof resolved.random !== 'function') throw new TypeError('random must be a function');
  return resolved;
}

function positive(key: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${key} must be a finite number > 0`);
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function resolveUrls(url: string | readonly string[]): readonly string[] {
  const urls: readonly unknown[] = typeof url === 'string' ? [url] : Array.isArray(url) ? (url as readonly unknown[]) : [];
  if (urls.length === 0) throw new TypeError('url must be a ws: or wss: URL, or a non-empty array of them');
  return urls.map((candidate) => {
    if (typeof candidate !== 'string') throw new TypeError('url must be a string');
    let parsed: URL;
    try {
      parsed = new URL(candidate);
    } catch {
      throw new TypeError(`url is not a valid URL: ${candidate}`);
    }
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw new TypeError(`url must use ws: or wss:, got ${candidate}`);
    return candidate;
  });
}

function defaultWebSocket(): WebSocketConstructor {
  const candidate = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (typeof candidate !== 'function') {
    throw new TypeError('no global WebSocket: pass the WebSocket option (in Node 20, `WebSocket` from the ws package)');
  }
  return candidate;
}

function defaultConnectivity(): ConnectivitySource | null {
  const candidate = globalThis as Partial<ConnectivitySource>;
  return typeof candidate.addEventListener === 'function' && typeof candidate.removeEventListener === 'function'
    ? (candidate as ConnectivitySource)
    : null;
}

/** Appends `token` as the `token` query parameter. */
export function withToken(url: string, token: string | undefined): string {
  if (token === undefined) return url;
  const parsed = new URL(url);
  parsed.searchParams.set('token', token);
  return parsed.toString();
}

/** Whether the environment reports being offline right now (`navigator.onLine === false`). */
export function reportsOffline(): boolean {
  const navigator = (globalThis as { navigator?: { onLine?: unknown } }).navigator;
  return navigator?.onLine === false;
}
