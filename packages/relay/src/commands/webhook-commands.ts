import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirectoryError } from '../errors.js';
import { ControlRequestError, sendControl } from '../control/control-client.js';
import type { ControlRequest } from '../control/control-protocol.js';
import { LevelDbRecordStore } from '../feed/leveldb-records.js';
import { runWebhookOperation, webhookProblem, WebhookOperationError, type WebhookSummary } from '../webhooks/webhook-admin.js';
import { WebhookStore, type DeliveryRecord, type Webhook } from '../webhooks/webhook-store.js';
import type { Output } from './output.js';

/** A webhook command's refusal of its arguments: one line on stderr, exit 2. */
export class WebhookUsageError extends DataDirectoryError {}

/**
 * Runs a webhooks operation on the relay running on `dataDir` (through its control socket), or, with no relay running
 * there, on the data directory itself. Says which through `running`.
 */
async function operate(dataDir: string, request: ControlRequest, create = false): Promise<{ result: unknown; running: boolean }> {
  try {
    const sent = await sendControl(dataDir, request);
    if (sent.running) return { result: sent.result, running: true };
  } catch (error) {
    if (error instanceof ControlRequestError) throw new WebhookUsageError(error.message);
    throw error;
  }
  if (!create && !existsSync(dataDir)) throw new DataDirectoryError(`no data directory at ${dataDir}`);
  let records: LevelDbRecordStore;
  try {
    records = await LevelDbRecordStore.open(join(dataDir, 'feed'));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/lock/i.test(message)) throw new DataDirectoryError(`${dataDir} is locked by a running relay that does not answer on its control socket (${join(dataDir, 'control.sock')})`);
    throw error;
  }
  try {
    return { result: await runWebhookOperation(new WebhookStore(records), request, null), running: false };
  } catch (error) {
    if (error instanceof WebhookOperationError) throw new WebhookUsageError(error.message);
    throw error;
  } finally {
    await records.close();
  }
}

export async function webhookAddCommand(dataDir: string, options: { list?: string; url?: string; events?: string; secret?: string }, output: Output): Promise<void> {
  const events = options.events === undefined ? null : options.events.split(',').map((type) => type.trim()).filter(Boolean);
  const problem = webhookProblem({ ...options, events });
  if (problem !== null) throw new WebhookUsageError(problem);
  const request = { op: 'webhooks.add', list: options.list!, url: options.url!, events, ...(options.secret === undefined ? {} : { secret: options.secret }) } as const;
  const { result, running } = await operate(dataDir, request, true);
  const hook = result as Webhook;
  output.out(`${JSON.stringify({ id: hook.id, list: hook.list, url: hook.url, events: hook.events, secret: hook.secret })}\n`);
  const from = running ? 'made from now on (the running relay delivers it already)' : "made from the relay's next start on";
  output.progress(`webhook ${hook.id} added: it gets the changes of ${hook.list} ${from}; its host must be in --webhook-allow\n`);
}

export async function webhookListCommand(dataDir: string, output: Output): Promise<void> {
  const { result } = await operate(dataDir, { op: 'webhooks.list' });
  for (const hook of result as WebhookSummary[]) output.out(`${JSON.stringify(hook)}\n`);
}

export async function webhookRemoveCommand(dataDir: string, id: string, output: Output): Promise<void> {
  await operate(dataDir, { op: 'webhooks.remove', id });
  output.progress(`webhook ${id} removed\n`);
}

/** The delivery log: one line per attempt (JSON lines with --json). */
export async function webhookLogCommand(dataDir: string, id: string | null, limit: number, json: boolean, output: Output): Promise<void> {
  const { result } = await operate(dataDir, { op: 'webhooks.log', id, limit });
  for (const entry of result as DeliveryRecord[]) output.out(`${json ? JSON.stringify(entry) : describe(entry)}\n`);
}

function describe(entry: DeliveryRecord): string {
  const range = entry.first === entry.last ? `event ${entry.first}` : `events ${entry.first}-${entry.last}`;
  const answer = entry.status === 0 ? (entry.error ?? 'no answer') : `HTTP ${entry.status}${entry.error === undefined ? '' : ` ${entry.error}`}`;
  return `${new Date(entry.at).toISOString()} ${entry.hook} ${range} attempt ${entry.attempt} ${entry.outcome} (${answer}, ${entry.durationMs} ms)`;
}
