import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, isConcordProtocol } from '@concord/core/protocol';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import { ALLOW_ALL, type DocumentAccess } from '../auth/access.js';
import { tokenAccess, verifyToken } from '../auth/tokens.js';
import type { RelayEngine } from '../engine/relay-engine.js';
import { timed } from '../engine/pauses.js';
import { reasonOfCloseCode, type RefusalReason, type RelayMetrics } from '../metrics/relay-metrics.js';
import { ConcordSession } from '../sessions/concord-session.js';
import { StockSession } from '../sessions/stock-session.js';
import type { Session, SessionContext } from '../sessions/wire-socket.js';
import type { HistoryService } from '../history/history-service.js';
import { HeartbeatWheel, type HeartbeatPeer } from './heartbeat.js';
import { fireAt, TokenBucket } from './limits.js';
import { httpRoutes, type ApiHandler } from './http-routes.js';
import { pickProtocol, refuseUpgrade, stockDocumentName } from './upgrade.js';
import { messageBytes, wireSocket, type WireSocketOptions } from './ws-socket.js';

/** How the HTTP host serves WebSocket upgrades, `/metrics`, health checks and static files. */
export interface HttpHostOptions {
  readonly engine: RelayEngine;
  /** Serves concord.v1 history and restore requests. */
  readonly history?: HistoryService;
  readonly logger: Logger;
  readonly staticDir: string | null;
  /** Largest WebSocket message accepted (whole frame); a larger one closes the connection with 4413. */
  readonly maxPayloadBytes: number;
  /** HS256 secret: when set, every connection must present a valid token as `?token=`. */
  readonly authSecret?: string | null;
  /** Per-connection inbound rate limit (token bucket); over it, reading from the socket pauses until the bucket refills. */
  readonly rateLimit?: { readonly perSecond: number; readonly burst: number } | null;
  /** Close a connection with 4503 once its send buffer exceeds this many bytes. */
  readonly maxBufferedBytes?: number;
  /** WebSocket ping period; a socket that has not answered the previous ping is terminated. 0 disables. */
  readonly heartbeatMs?: number;
  readonly metrics?: RelayMetrics | null;
  /** The task-level HTTP API (`/api/`), on the same port. */
  readonly api?: ApiHandler | null;
}

const protocolLabel = (ws: WebSocket): string => (isConcordProtocol(ws.protocol) ? ws.protocol : 'stock');

type RawMessage = Buffer | ArrayBuffer | Buffer[];

/**
 * Per-connection state in one object, read by listeners shared by every connection: per-connection closures (and the
 * contexts they keep alive) were most of what a connection cost the relay's heap beyond `ws` itself, with thousands of
 * idle connections.
 */
class Connection implements HeartbeatPeer {
  /** Set by any sign of life (a message or a pong), cleared by each heartbeat. */
  alive = true;
  heartbeatSlot = -1;
  /** Messages read over the rate limit, handled as the bucket refills (created when first needed). */
  held: Uint8Array[] | null = null;
  draining: NodeJS.Timeout | null = null;
  cancelExpiry: (() => void) | null = null;

  constructor(
    readonly ws: WebSocket,
    readonly session: Session,
    readonly rate: TokenBucket | null,
    readonly protocolLabel: string,
  ) {}
}

/**
 * The HTTP shell: `GET /healthz`, `GET /metrics`, static files, and WebSocket upgrades to either endpoint on the same
 * port. Authenticates upgrades, applies per-connection limits (frame size, rate, send buffer, heartbeat) and owns the
 * sockets so shutdown can close them; knows nothing of documents beyond picking the endpoint.
 */
export class HttpHost {
  readonly server: Server;
  readonly #wss: WebSocketServer;
  readonly #sockets = new Map<WebSocket, Connection>();
  /** What every connection without a token shares (no per-connection copy). */
  readonly #context: SessionContext;
  readonly #wireOptions: WireSocketOptions;
  readonly #onMessage: (this: WebSocket, data: RawMessage) => void;
  readonly #onPong: (this: WebSocket) => void;
  readonly #onError: (this: WebSocket, error: Error) => void;
  readonly #onClose: (this: WebSocket) => void;
  readonly #onUpgradeError: (error: Error) => void;
  readonly #heartbeat: HeartbeatWheel<Connection> | null;
  readonly #stopHeartbeat: () => void;

  constructor(private readonly options: HttpHostOptions) {
    const { metrics, logger } = options;
    // ws closes an over-long message with 1009 by calling the socket's own close(): the documented code is 4413.
    class RelayWebSocket extends WebSocket {
      override close(code?: number, reason?: string | Buffer): void {
        if (code === 1009) {
          metrics?.refuse('frame_too_large');
          super.close(CloseCode.FrameTooLarge, 'frame too large');
        } else super.close(code, reason);
      }
    }
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayloadBytes,
      handleProtocols: (offered) => pickProtocol(offered),
      WebSocket: RelayWebSocket,
      // The host tracks its sockets itself (#sockets): ws's own set would cost a closure per connection.
      clientTracking: false,
    });
    this.#context = {
      engine: options.engine,
      logger,
      access: ALLOW_ALL,
      ...(options.history && { history: options.history }),
      ...(metrics ? { onRefused: (reason: RefusalReason) => metrics.refuse(reason) } : {}),
    };
    this.#wireOptions = {
      maxBufferedBytes: options.maxBufferedBytes ?? Number.POSITIVE_INFINITY,
      ...(metrics ? { onSent: (bytes: number) => metrics.sent(bytes) } : {}),
      onClosed: (code, reason, socket) => {
        logger.info({ code, reason, protocol: protocolLabel(socket) }, 'closing connection');
        const refusal = reasonOfCloseCode(code, reason);
        if (refusal !== null) metrics?.refuse(refusal);
      },
    };
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the listeners below get the socket as `this`
    const host = this;
    this.#onMessage = function (data) {
      timed('message', () => host.#message(this, data));
    };
    this.#onPong = function () {
      const connection = host.#sockets.get(this);
      if (connection !== undefined) connection.alive = true;
    };
    this.#onError = (error) => logger.debug({ err: error }, 'socket error');
    this.#onClose = function () {
      host.#closed(this);
    };
    this.#onUpgradeError = (error) => logger.debug({ err: error }, 'upgrade socket error');
    this.server = createServer(httpRoutes(options));
    this.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => timed('connect', () => this.#upgrade(request, socket, head)));
    const heartbeatMs = options.heartbeatMs ?? 0;
    this.#heartbeat =
      heartbeatMs > 0
        ? new HeartbeatWheel<Connection>(heartbeatMs, {
            ping: (connection) => connection.ws.ping(),
            // It would pin its rooms (and their memory) until the OS noticed the dead peer.
            expire: (connection) => {
              logger.info('terminating a connection that missed its heartbeat');
              metrics?.refuse('heartbeat_timeout');
              connection.ws.terminate();
            },
          })
        : null;
    this.#stopHeartbeat = this.#heartbeat?.start('heartbeat') ?? (() => undefined);
  }

  get connections(): number {
    return this.#sockets.size;
  }

  /** Closes every socket with 1001 (going away) and stops accepting; resolves once the sockets are gone or after `graceMs`. */
  async close(graceMs = 2000): Promise<void> {
    this.#stopHeartbeat();
    this.server.close();
    const closed = [...this.#sockets.keys()].map(
      (socket) =>
        new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          socket.close(CloseCode.GoingAway, 'relay shutting down');
        }),
    );
    const timer = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.all(closed), timer]);
    for (const socket of this.#sockets.keys()) socket.terminate();
    this.server.closeAllConnections();
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A shared listener: a closure made here would keep this function's context, and with it the request, alive as long
    // as the socket.
    socket.on('error', this.#onUpgradeError);
    const offered = new Set((request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean));
    const protocol = pickProtocol(offered);
    const doc = protocol === false ? stockDocumentName(request.url) : null;
    if (protocol === false && doc === null) {
      refuseUpgrade(socket, 400);
      return;
    }
    const secret = this.options.authSecret ?? null;
    if (secret === null) {
      this.#accept(request, socket, head, doc, ALLOW_ALL, null);
      return;
    }
    // Authentication happens before the upgrade: a refused client gets an HTTP status and no WebSocket at all.
    const token = new URL(request.url ?? '/', 'http://relay').searchParams.get('token');
    if (token === null || token === '') {
      this.#refuse(socket, 401, 'no token');
      return;
    }
    verifyToken(secret, token).then(
      (claims) => {
        const access = tokenAccess(claims);
        if (doc !== null && access.mode(doc) === 'none') this.#refuse(socket, 403, 'document outside the token');
        else this.#accept(request, socket, head, doc, access, claims.exp * 1000);
      },
      (error: unknown) => this.#refuse(socket, 401, error instanceof Error ? error.message : 'invalid token'),
    );
  }

  #refuse(socket: Duplex, status: 401 | 403, why: string): void {
    this.options.logger.info({ status, why }, 'upgrade refused');
    this.options.metrics?.refuse(status === 401 ? 'unauthorized' : 'forbidden');
    refuseUpgrade(socket, status);
  }

  #accept(request: IncomingMessage, socket: Duplex, head: Buffer, doc: string | null, access: DocumentAccess, expiresAt: number | null): void {
    if (socket.destroyed) return;
    // The upgrade's response and what the session sends at once (the relay's sync step 1 on a loaded document) leave in
    // one write instead of one each: ws completes the upgrade and calls back synchronously.
    socket.cork();
    try {
      this.#wss.handleUpgrade(request, socket, head, (ws) => {
        // ws handles the socket's errors from now on; ours would stay registered (an array of listeners) for its lifetime.
        socket.removeListener('error', this.#onUpgradeError);
        this.#open(ws, socket, doc, access, expiresAt);
      });
    } finally {
      socket.uncork();
    }
  }

  #open(ws: WebSocket, network: Duplex, doc: string | null, access: DocumentAccess, expiresAt: number | null): void {
    const { metrics, rateLimit } = this.options;
    const label = protocolLabel(ws);
    const wire = wireSocket(ws, this.#wireOptions, network);
    const context: SessionContext = access === ALLOW_ALL ? this.#context : { ...this.#context, access };
    const session: Session = isConcordProtocol(ws.protocol) ? new ConcordSession(context, wire, ws.protocol) : new StockSession(context, wire, doc ?? '');
    const connection = new Connection(ws, session, rateLimit ? new TokenBucket(rateLimit.perSecond, rateLimit.burst) : null, label);
    this.#sockets.set(ws, connection);
    this.#heartbeat?.add(connection);
    metrics?.opened(label);
    if (expiresAt !== null) connection.cancelExpiry = fireAt(expiresAt, () => wire.close(CloseCode.Unauthorized, 'token expired'));
    ws.on('message', this.#onMessage);
    ws.on('pong', this.#onPong);
    ws.on('error', this.#onError);
    ws.on('close', this.#onClose);
  }

  // Over its rate, a connection is throttled, not closed: the relay stops reading its socket (TCP then pushes back on
  // the sender) and handles what was already read as the bucket refills. A flood costs the relay nothing more, and an
  // honest client catching up on a burst loses no work (a close would make it reconnect and resend it all).
  #message(ws: WebSocket, data: RawMessage): void {
    const connection = this.#sockets.get(ws);
    if (connection === undefined) return;
    connection.alive = true;
    const { rate, session } = connection;
    if (rate === null || (connection.held === null && rate.take())) {
      session.handleMessage(messageBytes(data));
      return;
    }
    (connection.held ??= []).push(messageBytes(data));
    if (connection.draining !== null) return;
    this.options.metrics?.refuse('rate_limited');
    ws.pause();
    connection.draining = setTimeout(() => this.#drain(ws, connection), rate.msUntilNext());
  }

  #drain(ws: WebSocket, connection: Connection): void {
    connection.draining = null;
    // A socket we paused cannot answer pings: the messages it sent are its sign of life.
    connection.alive = true;
    const { rate, session } = connection;
    const held = connection.held;
    if (rate === null || held === null) return;
    while (held.length > 0 && rate.take()) session.handleMessage(held.shift()!);
    if (held.length > 0) connection.draining = setTimeout(() => this.#drain(ws, connection), rate.msUntilNext());
    else {
      connection.held = null;
      if (ws.readyState === ws.OPEN) ws.resume();
    }
  }

  #closed(ws: WebSocket): void {
    const connection = this.#sockets.get(ws);
    if (connection === undefined) return;
    this.#sockets.delete(ws);
    this.#heartbeat?.delete(connection);
    connection.cancelExpiry?.();
    if (connection.draining !== null) clearTimeout(connection.draining);
    connection.held = null;
    this.options.metrics?.closed(connection.protocolLabel);
    connection.session.handleClose();
  }
}
