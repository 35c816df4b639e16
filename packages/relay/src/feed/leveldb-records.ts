import { mkdir } from 'node:fs/promises';
import leveldown, { type LevelDown } from 'leveldown';
import { DataDirectoryError } from '../errors.js';
import { closeDb, openDb, readRange, writeBatch } from '../storage/leveldown-async.js';
import type { RecordStore } from './feed-store.js';

/**
 * Records (UTF-8 keys, JSON values) in a LevelDB database of their own, `feed/` in the data directory: apart from the
 * documents' database, whose write path and write-ahead log stay as they are.
 */
export class LevelDbRecordStore implements RecordStore {
  private constructor(
    private readonly db: LevelDown,
    private readonly sync: boolean,
  ) {}

  static async open(directory: string, options: { sync?: boolean } = {}): Promise<LevelDbRecordStore> {
    try {
      await mkdir(directory, { recursive: true });
      const db = leveldown(directory);
      await openDb(db);
      return new LevelDbRecordStore(db, options.sync ?? false);
    } catch (error) {
      throw new DataDirectoryError(`cannot open the feed database in ${directory}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  async get(key: string): Promise<unknown> {
    const found = await readRange(this.db, { gte: Buffer.from(key), lte: Buffer.from(key) });
    return found.length === 0 ? undefined : (JSON.parse(found[0]!.value.toString('utf8')) as unknown);
  }

  async scan(prefix: string, options: { after?: string; limit?: number; reverse?: boolean } = {}): Promise<{ key: string; value: unknown }[]> {
    const lower = options.after !== undefined && options.after >= prefix ? { gt: Buffer.from(options.after) } : { gte: Buffer.from(prefix) };
    // '\uffff' sorts after every character a key of ours holds (list and task ids are ASCII).
    const found = await readRange(this.db, { ...lower, lt: Buffer.from(`${prefix}\uffff`), limit: options.limit ?? -1, reverse: options.reverse ?? false });
    return found.map(({ key, value }) => ({ key: key.toString('utf8'), value: JSON.parse(value.toString('utf8')) as unknown }));
  }

  batch(operations: readonly ({ type: 'put'; key: string; value: unknown } | { type: 'del'; key: string })[]): Promise<void> {
    return writeBatch(
      this.db,
      operations.map((op) => (op.type === 'put' ? { type: 'put', key: Buffer.from(op.key), value: Buffer.from(JSON.stringify(op.value)) } : { type: 'del', key: Buffer.from(op.key) })),
      this.sync,
    );
  }

  close(): Promise<void> {
    return closeDb(this.db);
  }
}
