import { join } from 'node:path';

/**
 * The relay's local control socket: a Unix domain socket `control.sock` in the data directory, through which the
 * `webhooks` commands reach a running relay (its databases are locked by it). Only who may open the data directory
 * may use it: it is created with mode 0600 (owner only) inside that directory. One request per connection, one JSON
 * line each way.
 */
export const CONTROL_SOCKET_NAME = 'control.sock';

/** Longest socket path the platforms accept (108 bytes on Linux with the terminating NUL, 104 on macOS). */
export const MAX_SOCKET_PATH_BYTES = 103;

export function controlSocketPath(dataDir: string): string {
  return join(dataDir, CONTROL_SOCKET_NAME);
}

/** Whether the platform can bind a socket at `path` (its length in bytes is under the limit). */
export function socketPathFits(path: string): boolean {
  return Buffer.byteLength(path) <= MAX_SOCKET_PATH_BYTES;
}

/** The operations of the webhooks commands. */
export type ControlRequest =
  | { readonly op: 'webhooks.add'; readonly list: string; readonly url: string; readonly events: readonly string[] | null; readonly secret?: string }
  | { readonly op: 'webhooks.list' }
  | { readonly op: 'webhooks.remove'; readonly id: string }
  | { readonly op: 'webhooks.log'; readonly id: string | null; readonly limit: number };

/** The answer: the operation's result, or a refusal with a stable code. */
export type ControlResponse = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly code: string; readonly message: string };

/** Largest request line accepted (a webhook definition is a few hundred bytes). */
export const MAX_CONTROL_REQUEST_BYTES = 64 * 1024;
