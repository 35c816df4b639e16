import type { AppendEntry, DocumentStorage } from '../storage/document-storage.js';
import { DataDirectoryError } from '../errors.js';
import { storeCheckpoint } from '../history/history-recorder.js';
import { restoreUpdate } from '../history/restore.js';
import type { Output } from './output.js';
import { restoreRecordUpdate } from '../history/restore-record.js';

/** `history <doc>`: the document's checkpoints, oldest first: time, who wrote since the one before, snapshot bytes. */
export async function historyCommand(storage: DocumentStorage, doc: string, json: boolean, output: Output): Promise<void> {
  const checkpoints = await storage.listCheckpoints(doc);
  if (checkpoints.length === 0 && (await storage.loadUpdates(doc)).length === 0) throw new DataDirectoryError(`no document ${JSON.stringify(doc)}`);
  const rows = checkpoints.map((checkpoint) => ({ at: new Date(checkpoint.at).toISOString(), by: checkpoint.by, bytes: checkpoint.snapshot.byteLength }));
  if (json) {
    output.out(`${JSON.stringify(rows)}\n`);
    return;
  }
  output.out('time\tby\tbytes\n');
  for (const row of rows) output.out(`${row.at}\t${row.by.join(',') || '-'}\t${row.bytes}\n`);
  output.out(`${rows.length} checkpoints\n`);
}

/** Parses `--to`: an ISO 8601 time (`2026-12-04T10:00:00Z`) or milliseconds since the epoch. */
export function parseTime(text: string): number {
  const time = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(time)) throw new DataDirectoryError(`invalid time "${text}": expected an ISO 8601 time such as 2026-12-04T10:00:00Z, or milliseconds since the epoch`);
  return time;
}

/** Documents read at once while restoring. */
const READ_AHEAD = 64;

export interface RestoreSummary {
  readonly documents: number;
  readonly changed: number;
  readonly bytes: number;
  readonly ms: number;
}

/**
 * `restore <list> --to <time> [--only <sub>]`: brings the list document and every task document of the list back to
 * their last checkpoints at or before `time` (history/restore.ts), written as new updates in ONE atomic write, then
 * checkpoints the documents it changed (so the restore is in the history too, and can itself be restored past).
 */
export async function restoreList(
  storage: DocumentStorage,
  list: string,
  time: number,
  only: string | null,
  progress: (done: number, total: number) => void,
  now: number = Date.now(),
): Promise<RestoreSummary> {
  const started = performance.now();
  const listCheckpoints = await storage.listCheckpoints(list);
  const first = listCheckpoints[0];
  if (first === undefined) throw new DataDirectoryError(`no history of ${JSON.stringify(list)}: nothing to restore from`);
  if (first.at > time) throw new DataDirectoryError(`no history of ${JSON.stringify(list)} at ${new Date(time).toISOString()}: it starts at ${new Date(first.at).toISOString()}`);
  const docs = [list, ...(await storage.listDocuments()).filter((doc) => doc.startsWith(`${list}/`))];
  const entries: AppendEntry[] = [];
  const restoreOne = async (doc: string): Promise<AppendEntry | null> => {
    const [updates, checkpoints, bindings] = await Promise.all([
      storage.loadUpdates(doc),
      doc === list ? listCheckpoints : storage.listCheckpoints(doc),
      only === null ? null : storage.loadClientBindings(doc),
    ]);
    const onlyClients = bindings && new Set([...bindings].filter(([, user]) => user === only).map(([client]) => client));
    const update = restoreUpdate({ updates, checkpoints, isList: doc === list, now, ...(onlyClients && { onlyClients }) }, time);
    return update === null ? null : { doc, update };
  };
  // Reads of a group overlap (each is a round trip to LevelDB's thread pool); the CPU work between them does not.
  for (let from = 0; from < docs.length; from += READ_AHEAD) {
    const group = await Promise.all(docs.slice(from, from + READ_AHEAD).map(restoreOne));
    for (const entry of group) if (entry !== null) entries.push(entry);
    progress(Math.min(from + READ_AHEAD, docs.length), docs.length);
  }
  const changed = entries.length;
  if (changed > 0) {
    // The restore in the activity feed: recorded in the list document, after the list's own restore.
    const listLog = [...(await storage.loadUpdates(list)), ...entries.filter((entry) => entry.doc === list).map((entry) => entry.update)];
    entries.push({ doc: list, update: restoreRecordUpdate(listLog, { at: now, to: time, only: only ?? '', changed }) });
    await storage.appendUpdates(entries);
  }
  const written = [...new Set(entries.map((entry) => entry.doc))];
  for (let from = 0; from < written.length; from += READ_AHEAD) {
    await Promise.all(written.slice(from, from + READ_AHEAD).map((doc) => storeCheckpoint(storage, doc, now)));
  }
  return {
    documents: docs.length,
    changed,
    bytes: entries.reduce((sum, entry) => sum + entry.update.byteLength, 0),
    ms: performance.now() - started,
  };
}

export async function restoreCommand(storage: DocumentStorage, list: string, to: string, only: string | null, output: Output): Promise<void> {
  const time = parseTime(to);
  let lastProgress = 0;
  const summary = await restoreList(storage, list, time, only, (done, total) => {
    if (Date.now() - lastProgress > 500 || done === total) {
      lastProgress = Date.now();
      output.progress(`restoring: ${done}/${total} documents\n`);
    }
  });
  const whose = only === null ? '' : ` (only ${only}'s changes)`;
  output.out(
    `restored ${JSON.stringify(list)} to ${new Date(time).toISOString()}${whose}: ${summary.changed} of ${summary.documents} documents changed, ${summary.bytes} bytes written, ${Math.round(summary.ms)} ms\n`,
  );
}
