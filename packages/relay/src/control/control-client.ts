import { connect } from 'node:net';
import { controlSocketPath, socketPathFits, type ControlRequest, type ControlResponse } from './control-protocol.js';

/** How long the command waits for the running relay's answer. */
const CONTROL_TIMEOUT_MS = 30_000;

/** The running relay refused the request (its code and message). */
export class ControlRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ControlRequestError';
  }
}

/**
 * Sends `request` to the relay running on `dataDir` through its control socket. Resolves with `{ running: false }`
 * when no relay answers there (no socket, or a stale one a crash left), so the caller opens the data directory itself.
 */
export function sendControl(dataDir: string, request: ControlRequest): Promise<{ running: false } | { running: true; result: unknown }> {
  const path = controlSocketPath(dataDir);
  if (!socketPathFits(path)) return Promise.resolve({ running: false });
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let text = '';
    let connected = false;
    socket.setEncoding('utf8');
    // A relay that accepted and then stopped answering (hung, or being stopped) does not leave the command waiting.
    socket.setTimeout(CONTROL_TIMEOUT_MS, () => {
      socket.destroy();
      reject(new Error(`the relay's control socket ${path} did not answer within ${CONTROL_TIMEOUT_MS / 1000} s`));
    });
    socket.on('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected && (error.code === 'ENOENT' || error.code === 'ECONNREFUSED')) resolve({ running: false });
      else reject(new Error(`the relay's control socket ${path} failed: ${error.message}`));
    });
    socket.on('end', () => {
      let response: ControlResponse;
      try {
        response = JSON.parse(text) as ControlResponse;
      } catch {
        return reject(new Error(`the relay's control socket ${path} answered no JSON`));
      }
      if (response.ok) resolve({ running: true, result: response.result });
      else reject(new ControlRequestError(response.code, response.message));
    });
  });
}
