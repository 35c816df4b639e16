import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDocumentStorageTests } from '../../test/support/storage-acceptance.js';
import leveldown from 'leveldown';
import { closeDb, openDb, readRange, writeBatch } from './leveldown-async.js';
import { decodeSeq, SEQUENCE_KEY, updateKey } from './leveldb-keys.js';
import { LevelDbStorage } from './leveldb-storage.js';

let directory = '';
runDocumentStorageTests('LevelDbStorage', {
  create: async () => {
    directory = await mkdtemp(join(tmpdir(), 'concord-storage-'));
    return LevelDbStorage.open(directory);
  },
  reopen: () => LevelDbStorage.open(directory),
  cleanup: () => rm(directory, { recursive: true, force: true }),
});

describe('LevelDbStorage.open', () => {
  it('throws DataDirectoryError when the directory cannot be created', async () => {
    const base = await mkdtemp(join(tmpdir(), 'concord-storage-'));
    try {
      await writeFile(join(base, 'file'), 'not a directory');
      await expect(LevelDbStorage.open(join(base, 'file', 'data'))).rejects.toMatchObject({ code: 'ERR_DATA_DIR' });
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});

describe('LevelDbStorage on disk', () => {
  const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
  async function withDirectory(use: (dir: string) => Promise<void>): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'concord-storage-'));
    try {
      await use(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it('lists documents from their update keys, in UTF-8 byte order, whatever their name lengths', async () => {
    await withDirectory(async (dir) => {
      const storage = await LevelDbStorage.open(dir);
      const names = ['ab', 'a', 'b', 'a\u0000', 'é', 'z'.repeat(300), ''];
      for (const [i, doc] of names.entries()) await storage.appendUpdates([{ doc, update: bytes(i, 1) }, { doc, update: bytes(i, 2) }]);
      const expected = [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      expect(await storage.listDocuments()).toEqual(expected);
      await storage.close();
    });
  });

  it('stores the sequence high-water mark once per block, and numbers past it after a restart, so order holds', async () => {
    await withDirectory(async (dir) => {
      let storage = await LevelDbStorage.open(dir);
      for (let i = 0; i < 3; i++) await storage.appendUpdates([{ doc: 'd', update: bytes(i) }]);
      await storage.close();
      const db = leveldown(dir);
      await openDb(db);
      const marks = await readRange(db, { gte: SEQUENCE_KEY, lte: SEQUENCE_KEY });
      const [last] = await readRange(db, { gte: updateKey('d', 0), lte: updateKey('d', Number.MAX_SAFE_INTEGER) }).then((e) => e.slice(-1));
      await closeDb(db);
      expect(marks).toHaveLength(1);
      const reserved = decodeSeq(marks[0]?.value as Buffer);
      expect(reserved).toBeGreaterThan(3);
      expect(last?.key).toEqual(Buffer.from(updateKey('d', 3)));
      storage = await LevelDbStorage.open(dir);
      await storage.appendUpdates([{ doc: 'd', update: bytes(3) }]);
      expect(await storage.loadUpdates('d')).toEqual([bytes(0), bytes(1), bytes(2), bytes(3)]);
      await storage.close();
    });
  });

  it('opens a database written before sequence blocks and document keys were dropped (a last-used mark, a document index)', async () => {
    await withDirectory(async (dir) => {
      const db = leveldown(dir);
      await openDb(db);
      const encodeSeq = (seq: number): Buffer => Buffer.from([0, 0, 0, 0, 0, 0, 0, seq]);
      await writeBatch(
        db,
        [
          { type: 'put', key: updateKey('old', 1), value: bytes(1) },
          { type: 'put', key: updateKey('old', 2), value: bytes(2) },
          { type: 'put', key: Buffer.from('dold'), value: new Uint8Array(0) },
          { type: 'put', key: SEQUENCE_KEY, value: encodeSeq(2) },
        ],
        false,
      );
      await closeDb(db);
      const storage = await LevelDbStorage.open(dir);
      await storage.appendUpdates([{ doc: 'old', update: bytes(3) }]);
      expect(await storage.loadUpdates('old')).toEqual([bytes(1), bytes(2), bytes(3)]);
      expect(await storage.listDocuments()).toEqual(['old']);
      await storage.close();
    });
  });
});
