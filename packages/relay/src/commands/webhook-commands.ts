import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isValidId } from '@concord/core/model';
import { DataDirectoryError } from '../errors.js';
import { LevelDbRecordStore } from '../feed/leveldb-records.js';
import { TASK_EVENT_TYPES } from '../api/schemas.js';
import { WebhookStore, type DeliveryRecord } from '../webhooks/webhook-store.js';
import type { Output } from './output.js';

/** A webhook command's refusal of its arguments: one line on stderr, exit 2. */
export class WebhookUsageError extends DataDirectoryError {}

async function withHooks<T>(dataDir: string, use: (hooks: WebhookStore) => Promise<T>, create = false): Promise<T> {
  if (!create && !existsSync(dataDir)) throw new DataDirectoryError(`no data directory at ${dataDir}`);
  let records: LevelDbRecordStore;
  try {
    records = await LevelDbRecordStore.open(join(dataDir, 'feed'));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/lock/i.test(message)) throw new DataDirectoryError(`${dataDir} is locked by a running relay: stop it first (or use a copy of the directory)`);
    throw error;
  }
  try {
    return await use(new WebhookStore(records));
  } finally {
    await records.close();
  }
}

export function webhookAddCommand(dataDir: string, options: { list?: string; url?: string; events?: string; secret?: string }, output: Output): Promise<void> {
  const { list, url } = options;
  if (list === undefined || !isValidId(list)) throw new WebhookUsageError('--list <list id> is required (1-128 of A-Z a-z 0-9 _ -)');
  if (url === undefined || !URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)) throw new WebhookUsageError('--url <http(s) URL> is required');
  const events = options.events === undefined ? null : options.events.split(',').map((type) => type.trim()).filter(Boolean);
  const unknown = events?.filter((type) => !(TASK_EVENT_TYPES as readonly string[]).includes(type)) ?? [];
  if (unknown.length > 0) throw new WebhookUsageError(`unknown event type ${unknown[0]}: expected ${TASK_EVENT_TYPES.join(', ')}`);
  if (options.secret !== undefined && options.secret.length < 16) throw new WebhookUsageError('--secret must have at least 16 characters');
  return withHooks(dataDir, async (hooks) => {
    const hook = await hooks.add({ list, url, events, ...(options.secret === undefined ? {} : { secret: options.secret }) });
    output.out(`${JSON.stringify({ id: hook.id, list: hook.list, url: hook.url, events: hook.events, secret: hook.secret })}\n`);
    output.progress(`webhook ${hook.id} added: it gets the changes of ${list} made from the relay's next start on (its host must be in --webhook-allow)\n`);
  }, true);
}

export function webhookListCommand(dataDir: string, output: Output): Promise<void> {
  return withHooks(dataDir, async (hooks) => {
    for (const hook of await hooks.list()) {
      const position = await hooks.position(hook.id);
      output.out(`${JSON.stringify({ id: hook.id, list: hook.list, url: hook.url, events: hook.events, delivered: position < 0 ? null : position })}\n`);
    }
  });
}

export function webhookRemoveCommand(dataDir: string, id: string, output: Output): Promise<void> {
  return withHooks(dataDir, async (hooks) => {
    if (!(await hooks.remove(id))) throw new WebhookUsageError(`no webhook ${id}`);
    output.progress(`webhook ${id} removed\n`);
  });
}

/** The delivery log: one line per attempt (JSON lines with --json). */
export function webhookLogCommand(dataDir: string, id: string | null, limit: number, json: boolean, output: Output): Promise<void> {
  return withHooks(dataDir, async (hooks) => {
    if (id !== null && !(await hooks.list()).some((hook) => hook.id === id)) throw new WebhookUsageError(`no webhook ${id}`);
    for (const entry of await hooks.log(id, limit)) output.out(`${json ? JSON.stringify(entry) : describe(entry)}\n`);
  });
}

function describe(entry: DeliveryRecord): string {
  const range = entry.first === entry.last ? `event ${entry.first}` : `events ${entry.first}-${entry.last}`;
  const answer = entry.status === 0 ? (entry.error ?? 'no answer') : `HTTP ${entry.status}${entry.error === undefined ? '' : ` ${entry.error}`}`;
  return `${new Date(entry.at).toISOString()} ${entry.hook} ${range} attempt ${entry.attempt} ${entry.outcome} (${answer}, ${entry.durationMs} ms)`;
}
