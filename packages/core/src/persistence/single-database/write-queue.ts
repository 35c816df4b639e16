import { ConcordError, ConcordErrorCode } from '../../errors/concord-error.js';
import { transactionDone } from '../idb-requests.js';
import type { SingleDatabaseContext } from './context.js';
import { describeWriteFailure, META, UPDATES, type UpdateRecord } from './database.js';

interface MetaWrite {
  readonly name: string;
  readonly key: string;
  readonly value: Uint8Array;
  readonly done: (error?: Error) => void;
}

/**
 * Local edits on their way to the database: every record queued in one turn is written in one transaction. A failed
 * write keeps its records (they are also in memory and will reach the relay) for the next write to retry. Metadata
 * set in one turn (the relay's confirmations of a thousand documents arrive together) is written in one transaction
 * too; a failed one is reported to its callers.
 */
export class WriteQueue {
  private queue: UpdateRecord[] = [];
  private writeQueued = false;
  private metaQueue: MetaWrite[] = [];
  /** Records appended and committed so far: a flush waits for those appended before it, not for later ones. */
  private appended = 0;
  private committed = 0;

  constructor(
    private readonly context: SingleDatabaseContext,
    /** Called with the records of each committed transaction. */
    private readonly written: (records: readonly UpdateRecord[]) => void,
    /** Called with the documents whose metadata a committed transaction stored. */
    private readonly metaWritten: (names: readonly string[]) => void,
  ) {}

  append(record: UpdateRecord): void {
    this.queue.push(record);
    this.appended++;
    if (this.writeQueued) return;
    this.writeQueued = true;
    queueMicrotask(() => {
      this.writeQueued = false;
      void this.context.writes.run(() => this.writeRecords());
    });
  }

  /** Stores one metadata value; resolves once committed. */
  putMeta(name: string, key: string, value: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.metaQueue.push({ name, key, value, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (this.metaQueue.length === 1) queueMicrotask(() => void this.context.writes.run(() => this.writeMeta()));
    });
  }

  /** Resolves once every record queued so far is committed; rejects if some could not be (and were reported). */
  async flush(): Promise<void> {
    const target = this.appended;
    // Records appended while waiting (another tab's edit arriving, say) get a write of their own, queued after the
    // chain settled: one of them may be one this flush waits for, when a write that held it failed and is retried.
    do {
      await new Promise<void>((resolve) => queueMicrotask(resolve));
      await this.context.writes.settled;
    } while (this.committed < target && this.writeQueued);
    if (this.committed < target) throw new ConcordError(ConcordErrorCode.PersistenceFailed, 'local changes are not stored yet');
  }

  private async writeMeta(): Promise<void> {
    const writes = this.metaQueue;
    this.metaQueue = [];
    try {
      const db = await this.context.db();
      const transaction = db.transaction(META, 'readwrite');
      const store = transaction.objectStore(META);
      for (const { name, key, value } of writes) store.put(value, [name, key]);
      await transactionDone(transaction);
    } catch (cause) {
      const error = cause instanceof Error ? cause : new Error(describeWriteFailure(cause));
      for (const write of writes) write.done(error);
      return;
    }
    for (const write of writes) write.done();
    this.metaWritten(writes.map(({ name }) => name));
  }

  private async writeRecords(): Promise<void> {
    if (this.queue.length === 0) return;
    const records = this.queue;
    this.queue = [];
    try {
      const db = await this.context.db();
      const transaction = db.transaction(UPDATES, 'readwrite');
      const store = transaction.objectStore(UPDATES);
      const added = records.map((record) => store.add(record));
      await transactionDone(transaction);
      added.forEach((request, i) => this.context.ownKeys.set(request.result, records[i]?.doc ?? ''));
      this.committed += records.length;
    } catch (cause) {
      this.queue = [...records, ...this.queue];
      this.context.reportError(describeWriteFailure(cause), cause);
      return;
    }
    this.written(records);
  }
}
