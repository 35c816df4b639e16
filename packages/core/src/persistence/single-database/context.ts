import type { SingleDatabaseBinding } from './binding.js';
import type { WriteChain } from './database.js';

/** What the single database's parts share: one connection, one chain of writes, and what this tab has bound and read. */
export interface SingleDatabaseContext {
  db(): Promise<IDBDatabase>;
  readonly writes: WriteChain;
  /** Documents bound in this tab, by name. */
  readonly bound: Map<string, SingleDatabaseBinding>;
  /** Keys of the records this tab wrote or read, with their document: their updates are in its documents already. */
  readonly ownKeys: Map<IDBValidKey, string>;
  /** Reports a failure that lost nothing (the change stays in memory) as the adapter's `error` event. */
  reportError(message: string, cause?: unknown): void;
}
