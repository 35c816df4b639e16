import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDocumentStorageTests } from '../../test/support/storage-acceptance.js';
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
