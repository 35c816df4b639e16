import { ConcordError, ConcordErrorCode } from '../../errors/concord-error.js';
import { transactionDone } from '../idb-requests.js';
import type { SingleDatabaseContext } from './context.js';
import { describeWriteFailure, UPDATES, type UpdateRecord } from './database.js';

/**
 * Local edits on their way to the database: every record queued in one turn is written in one transaction. A failed
 * write keeps its records (they are also in memory and will reach the relay) for the next write to retry.
 */
export class WriteQueue {
  private queue: UpdateRecord[] = [];
  private writeQueued = false;

  constructor(
    private readonly context: SingleDatabaseContext,
    /** Called with the records of each committed transaction. */
    private readonly written: (records: readonly UpdateRecord[]) => void,
  ) {}

  append(record: UpdateRecord): void {
    this.queue.push(record);
    if (this.writeQueued) return;
    this.writeQueued = true;
    queueMicrotask(() => {
      this.writeQueued = false;
      void this.context.writes.run(() => this.writeRecords());
    });
  }

  /** Resolves once every record queued so far is committed; rejects if some could not be (and were reported). */
  async flush(): Promise<void> {
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    await this.context.writes.settled;
    if (this.queue.length > 0) throw new ConcordError(ConcordErrorCode.PersistenceFailed, 'local changes are not stored yet');
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
    } catch (cause) {
      this.queue = [...records, ...this.queue];
      this.context.reportError(describeWriteFailure(cause), cause);
      return;
    }
    this.written(records);
  }
}
