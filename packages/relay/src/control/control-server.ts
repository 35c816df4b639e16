import { chmod, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { MAX_CONTROL_REQUEST_BYTES, socketPathFits, type ControlRequest, type ControlResponse } from './control-protocol.js';

/** What the control socket does for a request; throw a `ControlRefusal` to answer with its code. */
export type ControlHandler = (request: ControlRequest) => Promise<unknown>;

/** A refusal of a control request, answered as `{ ok: false, code, message }`. */
export class ControlRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ControlRefusal';
  }
}

/**
 * Serves the control socket at `path` (see control-protocol.ts). The data directory's lock is held by this relay, so a
 * socket file left there is a crashed relay's and is replaced. Resolves with null (and a warning) when the path is too
 * long for a socket: the relay runs without one.
 */
export async function serveControl(path: string, handle: ControlHandler, logger: Logger): Promise<{ close(): Promise<void> } | null> {
  if (!socketPathFits(path)) {
    logger.warn({ path }, 'the data directory path is too long for a control socket: the webhooks commands need the relay stopped');
    return null;
  }
  await unlink(path).catch(() => undefined);
  const server: Server = createServer((socket) => serveOne(socket, handle, logger));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}

function serveOne(socket: Socket, handle: ControlHandler, logger: Logger): void {
  let buffered = '';
  socket.setEncoding('utf8');
  const answer = (response: ControlResponse): void => void socket.end(`${JSON.stringify(response)}\n`);
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    if (buffered.length > MAX_CONTROL_REQUEST_BYTES) return answer({ ok: false, code: 'ERR_TOO_LARGE', message: 'the request is too large' });
    const end = buffered.indexOf('\n');
    if (end < 0) return;
    socket.removeAllListeners('data');
    let request: ControlRequest;
    try {
      request = JSON.parse(buffered.slice(0, end)) as ControlRequest;
    } catch {
      return answer({ ok: false, code: 'ERR_MALFORMED', message: 'the request is not a JSON line' });
    }
    handle(request).then(
      (result) => answer({ ok: true, result }),
      (error: unknown) => {
        if (error instanceof ControlRefusal) return answer({ ok: false, code: error.code, message: error.message });
        logger.error({ err: error, op: request.op }, 'control request failed');
        answer({ ok: false, code: 'ERR_INTERNAL', message: error instanceof Error ? error.message : String(error) });
      },
    );
  });
}
