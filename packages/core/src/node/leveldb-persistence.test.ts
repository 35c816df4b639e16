import { mkdtempSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ConcordErrorCode } from '../errors/concord-error.js';
import type { PersistenceAdapter } from '../persistence/persistence.js';
import { runPersistenceAdapterTests } from '../persistence/test-support/acceptance.js';
import { closeDb, loadLeveldown, openDb, readRange } from './level-calls.js';
import { prefixRange, updatePrefix } from './leveldb-keys.js';
import { LevelDbPersistence } from './leveldb-persistence.js';

const directories: string[] = [];
const open: LevelDbPersistence[] = [];
afterAll(async () => {
  await Promise.all(open.map((persistence) => persistence.close()));
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

async function newDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'concord-leveldb-'));
  directories.push(directory);
  return directory;
}

/**
 * Each `open` is a restart of the process: the previous adapter releases the directory first (LevelDB lets one handle
 * hold it). When the caller did not close it, the new adapter is used once the old one is closed.
 */
function restarts(directory: string): { open: () => PersistenceAdapter } {
  let previous: LevelDbPersistence | null = null;
  let previousClosed = true;
  const start = (): LevelDbPersistence => {
    const next = new LevelDbPersistence({ directory });
    previousClosed = false;
    const close = next.close.bind(next);
    next.close = () => close().then(() => void (previousClosed = true));
    open.push(next);
    return (previous = next);
  };
  return {
    open: () => {
      if (previousClosed || previous === null) return start();
      const closing = previous.close();
      const next = closing.then(start);
      const adapter: PersistenceAdapter = {
        kind: 'leveldb',
        on: (name, listener) => {
          void next.then((inner) => inner.on(name, listener));
          return listener;
        },
        off: (name, listener) => void next.then((inner) => inner.off(name, listener)),
        prefetch: (listId) => next.then((inner) => inner.prefetch(listId)),
        snapshotList: (listId) => next.then((inner) => inner.snapshotList(listId)),
        flush: () => next.then((inner) => inner.flush()),
        bind: (name, doc) => next.then((inner) => inner.bind(name, doc)),
        clear: (name) => next.then((inner) => inner.clear(name)),
        close: () => next.then((inner) => inner.close()),
      };
      return adapter;
    },
  };
}

runPersistenceAdapterTests('leveldb', () => {
  const directory = mkdtempSync(join(tmpdir(), 'concord-leveldb-'));
  directories.push(directory);
  return restarts(directory);
}, { readsAhead: false });

/** How many records LevelDB holds for a document (read with leveldown itself, the adapter closed). */
async function recordsOf(directory: string, name: string): Promise<number> {
  const db = (await loadLeveldown())(directory);
  await openDb(db);
  try {
    return (await readRange(db, prefixRange(updatePrefix(name)))).length;
  } finally {
    await closeDb(db);
  }
}

describe('LevelDbPersistence', () => {
  it('refuses a directory another adapter holds with ERR_STORAGE_LOCKED, and opens it once that one is closed', async () => {
    const directory = await newDirectory();
    const holder = await LevelDbPersistence.open({ directory });
    open.push(holder);
    await expect(LevelDbPersistence.open({ directory })).rejects.toMatchObject({ name: 'ConcordError', code: ConcordErrorCode.StorageLocked });
    const second = new LevelDbPersistence({ directory });
    await expect(second.bind('doc', new Y.Doc())).rejects.toMatchObject({ code: ConcordErrorCode.StorageLocked });
    await second.close();
    await holder.close();
    const third = await LevelDbPersistence.open({ directory });
    await third.close();
  });

  it('merges a document opened with several records into one, and one that reaches compactAfterRecords', async () => {
    const directory = await newDirectory();
    const first = await LevelDbPersistence.open({ directory, compactAfterRecords: 10 });
    const doc = new Y.Doc();
    const bound = await first.bind('doc', doc);
    for (let i = 0; i < 25; i++) {
      doc.getArray<number>('items').push([i]);
      await bound.flush();
    }
    await first.close();
    // 25 records, merged at 10 and again at 10 (the merged one counts): 25 - 9 - 9 = 7 remain.
    expect(await recordsOf(directory, 'doc')).toBe(7);

    const second = await LevelDbPersistence.open({ directory });
    const reloaded = new Y.Doc();
    await second.bind('doc', reloaded);
    await second.flush();
    await second.close();
    expect(reloaded.getArray('items').toArray()).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(await recordsOf(directory, 'doc')).toBe(1);
  });

  it('keeps documents whose names extend one another apart', async () => {
    const directory = await newDirectory();
    const persistence = await LevelDbPersistence.open({ directory });
    const names = ['a', 'a/b', 'ab', 'a\u0000', 'é'];
    for (const name of names) {
      const doc = new Y.Doc();
      await persistence.bind(name, doc);
      doc.getText('t').insert(0, name);
      await persistence.flush();
    }
    await persistence.clear('a');
    await persistence.close();
    const again = await LevelDbPersistence.open({ directory });
    const texts = await Promise.all(
      names.map(async (name) => {
        const doc = new Y.Doc();
        await again.bind(name, doc);
        return doc.getText('t').toString();
      }),
    );
    await again.close();
    expect(texts).toEqual(['', ...names.slice(1)]);
  });

  it('rejects options that cannot work', () => {
    expect(() => new LevelDbPersistence({ directory: '' })).toThrow(TypeError);
    expect(() => new LevelDbPersistence({ directory: '/tmp/x', compactAfterRecords: 1 })).toThrow(TypeError);
  });
});
