import type { Duplex } from 'node:stream';
import { SUPPORTED_PROTOCOLS } from '@concord/core/protocol';

// What the host decides from an upgrade request alone, before any WebSocket exists: which protocol, which document (on
// the stock endpoint), and the HTTP answer of a refusal.

/** Picks the newest subprotocol both sides speak (SUPPORTED_PROTOCOLS is newest first); none → the stock endpoint. */
export function pickProtocol(offered: ReadonlySet<string>): string | false {
  return SUPPORTED_PROTOCOLS.find((protocol) => offered.has(protocol)) ?? false;
}

const PLAIN_PATH = /^\/[\w~-]+(?:\/[\w~-]+)*$/;

/** The stock endpoint's document: the whole URL path, URL-decoded, without the leading slash; query ignored. */
export function stockDocumentName(url: string | undefined): string | null {
  // A plain path (no dot segments, escapes, query or anything URL parsing would change) is its own name: parsing a URL
  // cost each of thousands of connecting clients a few microseconds.
  if (url !== undefined && PLAIN_PATH.test(url)) return url.slice(1);
  try {
    const name = decodeURIComponent(new URL(url ?? '/', 'http://relay').pathname.slice(1));
    return name.length > 0 ? name : null;
  } catch {
    return null;
  }
}

const STATUS_TEXT: Readonly<Record<number, string>> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden' };

export function refuseUpgrade(socket: Duplex, status: 400 | 401 | 403): void {
  if (!socket.destroyed) socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
