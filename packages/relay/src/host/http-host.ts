import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, PROTOCOL_V1, SUPPORTED_PROTOCOLS } from '@concord/core/protocol';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { ALLOW_ALL } from '../auth/access.js';
import type { RelayEngine } from '../engine/relay-engine.js';
import { ConcordSession } from '../sessions/concord-session.js';
import { StockSession } from '../sessions/stock-session.js';
import type { Session, SessionContext } from '../sessions/wire-socket.js';
import { createStaticHandler } from './static-files.js';
import { messageBytes, wireSocket } from './ws-socket.js';

export interface HttpHostOptions {
  readonly engine: RelayEngine;
  readonly logger: Logger;
  readonly staticDir: string | null;
  readonly maxPayloadBytes: number;
}

/** Picks the newest subprotocol both sides speak (SUPPORTED_PROTOCOLS is newest first); none → the stock endpoint. */
export function pickProtocol(offered: ReadonlySet<string>): string | false {
  return SUPPORTED_PROTOCOLS.find((protocol) => offered.has(protocol)) ?? false;
}

/** The stock endpoint's document: the whole URL path, URL-decoded, without the leading slash; query ignored. */
export function stockDocumentName(url: string | undefined): string | null {
  try {
    const name = decodeURIComponent(new URL(url ?? '/', 'http://relay').pathname.slice(1));
    return name.length > 0 ? name : null;
  } catch {
    return null;
  }
}

/**
 * The HTTP shell: `GET /healthz`, static files, and WebSocket upgrades to either endpoint on the same port.
 * Owns the sockets so shutdown can close them; knows nothing of documents beyond picking the endpoint.
 */
export class HttpHost {
  readonly server: Server;
  readonly #wss: WebSocketServer;
  readonly #sockets = new Set<WebSocket>();
  readonly #context: SessionContext;
  readonly #serveStatic: ((request: IncomingMessage, response: ServerResponse) => Promise<boolean>) | null;

  constructor(private readonly options: HttpHostOptions) {
    this.#context = { engine: options.engine, logger: options.logger, access: ALLOW_ALL };
    this.#serveStatic = options.staticDir === null ? null : createStaticHandler(options.staticDir);
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayloadBytes,
      handleProtocols: (offered) => pickProtocol(offered),
    });
    this.server = createServer((request, response) => void this.#request(request, response));
    this.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.#upgrade(request, socket, head));
  }

  get connections(): number {
    return this.#sockets.size;
  }

  /** Closes every socket with 1001 (going away) and stops accepting; resolves once the sockets are gone or after `graceMs`. */
  async close(graceMs = 2000): Promise<void> {
    this.server.close();
    const closed = [...this.#sockets].map(
      (socket) =>
        new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          socket.close(CloseCode.GoingAway, 'relay shutting down');
        }),
    );
    const timer = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.all(closed), timer]);
    for (const socket of this.#sockets) socket.terminate();
    this.server.closeAllConnections();
  }

  async #request(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const { pathname } = new URL(request.url ?? '/', 'http://relay');
      if (pathname === '/healthz' && (request.method === 'GET' || request.method === 'HEAD')) {
        response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : 'ok');
        return;
      }
      if (this.#serveStatic !== null && (await this.#serveStatic(request, response))) return;
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('not found');
    } catch (error) {
      this.options.logger.error({ err: error, url: request.url }, 'http request failed');
      if (!response.headersSent) response.writeHead(500);
      response.end();
    }
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const offered = new Set((request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean));
    const protocol = pickProtocol(offered);
    const doc = protocol === false ? stockDocumentName(request.url) : null;
    if (protocol === false && doc === null) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      const wire = wireSocket(ws);
      const session: Session =
        ws.protocol === PROTOCOL_V1 ? new ConcordSession(this.#context, wire) : new StockSession(this.#context, wire, doc ?? '');
      this.#sockets.add(ws);
      ws.on('message', (data) => session.handleMessage(messageBytes(data)));
      ws.on('error', (error) => this.options.logger.debug({ err: error }, 'socket error'));
      ws.on('close', () => {
        this.#sockets.delete(ws);
        session.handleClose();
      });
    });
  }
}
