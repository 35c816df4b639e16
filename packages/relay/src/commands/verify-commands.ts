import { writeFile } from 'node:fs/promises';
import * as Y from 'yjs';
import { checkStoredLog } from '../engine/stored-log-check.js';
import { DataDirectoryError } from '../errors.js';
import type { DocumentStorage } from '../storage/document-storage.js';
import type { Output } from './output.js';

/** `verify` found documents with updates that would not apply and was not asked to repair them: exit 1. */
export class VerifyFailedError extends Error {}

/**
 * Which stored updates of a document would not apply, with why: the relay's own screen over the log
 * (`checkStoredLog`), then Yjs itself: the rest applied in order to a `Y.Doc` that, like every provider, listens for
 * updates. An update that throws there is found exactly (one at a time; the document is rebuilt from the updates before
 * it and the check goes on), and so is a log whose merge throws for a fresh client.
 */
export function findUnapplicable(updates: readonly Uint8Array[]): Map<number, string> {
  const bad = checkStoredLog(updates);
  let doc = listeningDoc();
  const applied: Uint8Array[] = [];
  for (const [index, update] of updates.entries()) {
    if (bad.has(index)) continue;
    try {
      Y.applyUpdate(doc, update);
      applied.push(update);
    } catch (error) {
      bad.set(index, `apply_failed: ${error instanceof Error ? error.message : String(error)}`);
      doc = listeningDoc();
      for (const good of applied) Y.applyUpdate(doc, good);
    }
  }
  return bad;
}

function listeningDoc(): Y.Doc {
  const doc = new Y.Doc();
  doc.on('update', () => undefined); // Yjs then encodes each transaction's delete set, where some corrupt updates throw
  return doc;
}

/** `verify [<doc>] [--repair]`: checks every stored log (or one); with --repair moves what would not apply to the quarantine. */
export async function verifyCommand(storage: DocumentStorage, doc: string | null, repair: boolean, output: Output): Promise<void> {
  const docs = doc === null ? await storage.listDocuments() : [doc];
  if (doc !== null && (await storage.loadUpdates(doc)).length === 0) throw new DataDirectoryError(`no document ${JSON.stringify(doc)}`);
  let broken = 0;
  let badUpdates = 0;
  let lastProgress = Date.now();
  for (const [position, name] of docs.entries()) {
    const updates = await storage.loadUpdates(name);
    const bad = findUnapplicable(updates);
    if (bad.size > 0) {
      broken++;
      badUpdates += bad.size;
      const found = [...bad].map(([index, reason]) => `#${index} (${reason})`).join(', ');
      output.out(`${JSON.stringify(name)}: ${bad.size} of ${updates.length} updates would not apply: ${found}\n`);
      if (repair) {
        const moved = await storage.quarantine(name, findUnapplicable);
        output.out(`${JSON.stringify(name)}: moved ${moved.length} updates to the quarantine (ids ${moved.map((entry) => entry.id).join(', ')})\n`);
      }
    }
    if (Date.now() - lastProgress > 500 || position === docs.length - 1) {
      lastProgress = Date.now();
      output.progress(`verifying: ${position + 1}/${docs.length} documents\n`);
    }
  }
  output.out(`verified ${docs.length} documents: ${docs.length - broken} ok, ${broken} with updates that would not apply (${badUpdates} updates)${repair && broken > 0 ? ', repaired' : ''}\n`);
  if (broken > 0 && !repair) throw new VerifyFailedError(`${broken} documents hold updates that would not apply: run again with --repair to quarantine them`);
}

/** `quarantine list [--json]`. */
export async function quarantineListCommand(storage: DocumentStorage, doc: string | null, json: boolean, output: Output): Promise<void> {
  const entries = await storage.listQuarantine(doc ?? undefined);
  const rows = entries.map(({ doc: name, id, reason, at, update }) => ({ doc: name, id, reason, at: new Date(at).toISOString(), bytes: update.byteLength }));
  if (json) {
    output.out(`${JSON.stringify(rows)}\n`);
    return;
  }
  output.out('document\tid\treason\tquarantined at\tbytes\n');
  for (const row of rows) output.out(`${row.doc}\t${row.id}\t${row.reason}\t${row.at}\t${row.bytes}\n`);
  output.out(`${rows.length} quarantined updates\n`);
}

/** `quarantine export <doc> <id> [--out file]`: the update's bytes, as it was stored. */
export async function quarantineExportCommand(storage: DocumentStorage, doc: string, id: number, outFile: string | null, output: Output): Promise<void> {
  const entry = (await storage.listQuarantine(doc)).find((each) => each.id === id);
  if (entry === undefined) throw new DataDirectoryError(`no quarantined update ${id} of ${JSON.stringify(doc)}`);
  if (outFile === null) output.out(entry.update);
  else {
    await writeFile(outFile, entry.update);
    output.progress(`exported quarantined update ${id} of ${JSON.stringify(doc)} (${entry.reason}): ${entry.update.byteLength} bytes → ${outFile}\n`);
  }
}

/** `quarantine release <doc> <id>`: back into the document's log, after everything stored. The operator's call. */
export async function quarantineReleaseCommand(storage: DocumentStorage, doc: string, id: number, output: Output): Promise<void> {
  if (!(await storage.releaseQuarantined(doc, id))) throw new DataDirectoryError(`no quarantined update ${id} of ${JSON.stringify(doc)}`);
  output.out(`released quarantined update ${id} of ${JSON.stringify(doc)} into its log\n`);
}
