import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { isDecodableUpdate, isEmptyUpdate } from '@concord/core/protocol';
import { compactUpdates, mergeUpdatesTree } from '../engine/merge-tree.js';
import { DataDirectoryError } from '../errors.js';
import { LevelDbStorage } from '../storage/leveldb-storage.js';
import { writeAheadDirectory } from '../storage/relay-storage.js';
import { WriteAheadStorage } from '../storage/write-ahead-storage.js';
import type { Output } from './output.js';
import { findUnapplicable } from './verify-commands.js';

/**
 * Opens the data directory of a relay that is NOT running. LevelDB allows one process at a time: a running relay
 * holds its lock, and the command refuses with one clear line (exit 2) instead of corrupting anything.
 */
async function openData(dataDir: string, create = false): Promise<LevelDbStorage> {
  if (!create && !existsSync(dataDir)) throw new DataDirectoryError(`no data directory at ${dataDir}`);
  let storage: LevelDbStorage;
  try {
    storage = await LevelDbStorage.open(dataDir);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/lock/i.test(message)) {
      throw new DataDirectoryError(`${dataDir} is locked by a running relay: stop it first (or use a copy of the directory)`);
    }
    throw error;
  }
  try {
    // What a crashed relay left in its write-ahead log belongs to the data too.
    await WriteAheadStorage.replay(storage, writeAheadDirectory(dataDir));
  } catch (error) {
    await storage.close();
    throw error;
  }
  return storage;
}

export async function withData<T>(dataDir: string, use: (storage: LevelDbStorage) => Promise<T>, create = false): Promise<T> {
  const storage = await openData(dataDir, create);
  try {
    return await use(storage);
  } finally {
    await storage.close();
  }
}

/** `export <doc>`: the document's updates merged into one Yjs update (v1, squashed like a compaction), to a file or stdout. */
export function exportCommand(dataDir: string, doc: string, outFile: string | null, output: Output): Promise<void> {
  return withData(dataDir, async (storage) => {
    const updates = await storage.loadUpdates(doc);
    if (updates.length === 0) throw new DataDirectoryError(`no document ${JSON.stringify(doc)} in ${dataDir}`);
    const merged = compactUpdates(updates);
    if (outFile === null) output.out(merged);
    else {
      await writeFile(outFile, merged);
      output.progress(`exported ${JSON.stringify(doc)}: ${updates.length} updates, ${merged.byteLength} bytes → ${outFile}\n`);
    }
  });
}

/** `import <doc>`: validates a Yjs update (v1) from a file or stdin, then appends it to the document's log. */
export async function importCommand(dataDir: string, doc: string, inFile: string | null, output: Output): Promise<void> {
  const bytes = new Uint8Array(inFile === null ? await readStdin() : await readFile(inFile));
  if (!isDecodableUpdate(bytes)) throw new DataDirectoryError(`refused: ${inFile ?? 'stdin'} is not a decodable Yjs update`);
  if (isEmptyUpdate(bytes)) {
    output.progress('nothing to import: the update is empty\n');
    return;
  }
  await withData(
    dataDir,
    async (storage) => {
      const stored = await storage.loadUpdates(doc);
      const reason = findUnapplicable([...stored, bytes]).get(stored.length);
      if (reason !== undefined) throw new DataDirectoryError(`refused: ${inFile ?? 'stdin'} would not apply to ${JSON.stringify(doc)} (${reason})`);
      await storage.appendUpdates([{ doc, update: bytes }]);
    },
    true,
  );
  output.progress(`imported ${bytes.byteLength} bytes into ${JSON.stringify(doc)}\n`);
}

/** `inspect`: every document with its stored update count and bytes. */
export function inspectCommand(dataDir: string, json: boolean, output: Output): Promise<void> {
  return withData(dataDir, async (storage) => {
    const rows: { doc: string; updates: number; bytes: number }[] = [];
    for (const doc of await storage.listDocuments()) {
      const updates = await storage.loadUpdates(doc);
      rows.push({ doc, updates: updates.length, bytes: updates.reduce((sum, update) => sum + update.byteLength, 0) });
    }
    if (json) {
      output.out(`${JSON.stringify(rows)}\n`);
      return;
    }
    output.out(`document\tupdates\tbytes\n`);
    for (const row of rows) output.out(`${row.doc}\t${row.updates}\t${row.bytes}\n`);
    const total = rows.reduce((sum, row) => ({ updates: sum.updates + row.updates, bytes: sum.bytes + row.bytes }), { updates: 0, bytes: 0 });
    output.out(`${rows.length} documents\t${total.updates}\t${total.bytes}\n`);
  });
}

/** `compact`: compacts every document (one atomic batch each), with progress on stderr. */
export function compactCommand(dataDir: string, output: Output): Promise<void> {
  return withData(dataDir, async (storage) => {
    const docs = await storage.listDocuments();
    let replaced = 0;
    let before = 0;
    let after = 0;
    let lastProgress = Date.now();
    for (const [index, doc] of docs.entries()) {
      // A document with history keeps its deleted content: its checkpoints name it (squashing would drop it).
      const merge = (await storage.listCheckpoints(doc)).length > 0 ? mergeUpdatesTree : compactUpdates;
      const result = await storage.compact(doc, merge);
      replaced += result.replaced;
      before += result.bytesBefore;
      after += result.bytesAfter;
      if (Date.now() - lastProgress > 500 || index === docs.length - 1) {
        lastProgress = Date.now();
        output.progress(`compacting: ${index + 1}/${docs.length} documents\n`);
      }
    }
    output.out(`compacted ${docs.length} documents: ${replaced} updates replaced, ${before} → ${after} bytes\n`);
  });
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
