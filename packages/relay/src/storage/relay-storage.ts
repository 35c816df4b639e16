import { join } from 'node:path';
import type { DocumentStorage } from './document-storage.js';
import { LevelDbStorage } from './leveldb-storage.js';
import { WriteAheadStorage } from './write-ahead-storage.js';

/** The write-ahead log's segments, inside the data directory. */
export function writeAheadDirectory(dataDir: string): string {
  return join(dataDir, 'wal');
}

/**
 * The relay's storage in a data directory: LevelDB, behind a write-ahead log (`wal/` inside it) unless every write must
 * reach the disk (`fsync`), where LevelDB's own synced batches, off the event loop, are the better path. Opening replays
 * what a crash left in the log. Rejects with DataDirectoryError.
 */
export async function openRelayStorage(directory: string, options: { fsync?: boolean } = {}): Promise<DocumentStorage> {
  const fsync = options.fsync ?? false;
  const levelDb = await LevelDbStorage.open(directory, { sync: fsync });
  try {
    if (!fsync) return await WriteAheadStorage.open(levelDb, writeAheadDirectory(directory));
    // A log left by an earlier run without fsync still holds acknowledged updates.
    await WriteAheadStorage.replay(levelDb, writeAheadDirectory(directory));
    return levelDb;
  } catch (error) {
    await levelDb.close();
    throw error;
  }
}
