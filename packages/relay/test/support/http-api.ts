import { Concord, MemoryPersistence, type TaskList } from '@concord/core';
import WebSocket from 'ws';
import { createToken } from '../../src/auth/tokens.js';
import type { EventPageJson, ListJson, TaskJson } from '../../src/api/schemas.js';
import type { RelayProcess } from './relay-process.js';

/** Whatever the API answered, readable as any of its bodies (each test reads the fields its request returns). */
export type ApiBody = TaskJson &
  Omit<ListJson, 'id'> &
  EventPageJson & {
    error: { code: string; message: string; field?: string };
    openapi: string;
    paths: Record<string, unknown>;
    components: { schemas: Record<string, { properties: Record<string, { maxLength?: number }>; additionalProperties?: boolean }> };
  };

/** A JSON request to the relay's HTTP API: status, headers and the parsed body (null when empty). */
export async function api(
  relay: RelayProcess,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string>; raw?: string } = {},
): Promise<{ status: number; headers: Headers; body: ApiBody }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.raw;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`http://127.0.0.1:${relay.port}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text === '' ? null : JSON.parse(text)) as ApiBody };
}

/** A Concord client (core's store over a real WebSocket) with the list open; closed by the returned function. */
export async function openClientList(relay: RelayProcess, list: string, options: { token?: string; userId?: string } = {}): Promise<{ concord: Concord; list: TaskList; close: () => Promise<void> }> {
  const concord = new Concord({
    url: relay.url,
    WebSocket,
    persistence: new MemoryPersistence(),
    userId: options.userId ?? 'client',
    syncTabs: false,
    ...(options.token === undefined ? {} : { token: options.token }),
  });
  const opened = await concord.openList(list);
  return { concord, list: opened, close: () => concord.close() };
}

export const synced = (concord: Concord): boolean => concord.status.state === 'synced' && concord.status.pendingChanges === 0;

export const tokenFor = (secret: string, sub: string, lists: string[] | '*', mode: 'rw' | 'ro' = 'rw', ttlSeconds = 3600, now?: number): Promise<string> =>
  createToken({ secret, sub, lists, mode, ttlSeconds, ...(now === undefined ? {} : { now }) });
