import { mkdir } from 'node:fs/promises';
import { ConcordError, ConcordErrorCode } from '../errors/concord-error.js';
import { closeDb, getValue, loadLeveldown, openDb, type LevelDown } from './level-calls.js';
import { COUNTER_KEY, decodeSeq } from './leveldb-keys.js';

export interface Opened {
  readonly db: LevelDown;
  /** The last sequence number stored in the database when it was opened. */
  readonly lastSeq: number;
}

/**
 * Opens (creating if missing) the LevelDB database in `directory` and reads its sequence counter. Every failure is a
 * `ConcordError`: `ERR_STORAGE_LOCKED` when another process (or another handle in this one) holds the directory.
 */
export async function openDatabase(directory: string): Promise<Opened> {
  let leveldown: (location: string) => LevelDown;
  try {
    leveldown = await loadLeveldown();
  } catch (cause) {
    throw new ConcordError(
      ConcordErrorCode.PersistenceFailed,
      'LevelDbPersistence needs the leveldown package: install it beside @concord/core (npm install leveldown)',
      { cause },
    );
  }
  const db = leveldown(directory);
  try {
    await mkdir(directory, { recursive: true });
    await openDb(db);
  } catch (cause) {
    // LevelDB reports a held lock as an IO error naming the LOCK file.
    if (cause instanceof Error && /\block\b/i.test(cause.message)) {
      throw new ConcordError(
        ConcordErrorCode.StorageLocked,
        `${directory} is in use by another process (or another LevelDbPersistence): LevelDB lets one hold it at a time`,
        { cause },
      );
    }
    throw asConcordError(cause, `could not open the LevelDB database in ${directory}`);
  }
  try {
    const counter = await getValue(db, COUNTER_KEY);
    return { db, lastSeq: counter ? decodeSeq(counter) : 0 };
  } catch (cause) {
    await closeDb(db).catch(() => undefined);
    throw asConcordError(cause, `could not read the LevelDB database in ${directory}`);
  }
}

/** `cause` if it is a `ConcordError` already, else an `ERR_PERSISTENCE_FAILED` one with `message`. */
export function asConcordError(cause: unknown, message: string): ConcordError {
  return cause instanceof ConcordError ? cause : new ConcordError(ConcordErrorCode.PersistenceFailed, message, { cause });
}
