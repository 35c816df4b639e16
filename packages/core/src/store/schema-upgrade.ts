import type * as Y from 'yjs';
import type { CompiledSchema } from '../model/schema/define.js';
import { readAllStored } from '../model/schema/task-fields.js';
import { checkPatch } from '../model/schema/validate.js';
import type { TaskDoc } from '../model/task-doc.js';
import type { TaskSlot } from './task-slot.js';

/** What a list tells about schema versions: this code's, and the highest any replica recorded in the list. */
export interface ListSchemaInfo {
  readonly version: number;
  readonly highestSeen: number;
  /** The list (or one of its tasks) was written by a newer version of the app: fields it added are kept, not shown. */
  readonly newer: boolean;
}

export interface UpgradeHost {
  readonly listDoc: Y.Doc;
  readonly origin: unknown;
  isClosed(): boolean;
  /** A migration threw or produced a value that does not fit: the task keeps its version and is tried next time. */
  failed(error: Error): void;
  /** A newer schema version than this code's was first seen. */
  newer(info: ListSchemaInfo): void;
}

/**
 * Schema versions of one open list. The list document holds `schemaVersions`, a key per version any replica opened it
 * with (grow-only, so the highest survives every merge); each task document holds its own (`TaskDoc.schemaVersion`).
 * A task older than this code's version is migrated once its stored state is in and its creating update has arrived
 * (an entry can arrive before its document, and migrating an empty task would mark it done before its content came).
 */
export class SchemaUpgrade {
  private taskHighest = 1;
  private reported = false;
  private readonly queued = new Set<TaskSlot>();
  /** Tasks whose migration failed in this session: reported once, not again on each change. */
  private readonly failedTasks = new WeakSet<TaskDoc>();

  constructor(
    private readonly schema: CompiledSchema,
    private readonly host: UpgradeHost,
  ) {}

  get info(): ListSchemaInfo {
    let highest = Math.max(this.taskHighest, this.schema.version);
    for (const key of this.host.listDoc.getMap('schemaVersions').keys()) highest = Math.max(highest, Number(key) || 1);
    return { version: this.schema.version, highestSeen: highest, newer: highest > this.schema.version };
  }

  /**
   * Records this code's version in the list document, if it is the highest. Call once the list document is applied.
   * Version 1 is what a list with no record was written with, so it is never written.
   */
  recordVersion(): void {
    const versions = this.host.listDoc.getMap<boolean>('schemaVersions');
    const known = this.schema.version === 1 || versions.has(String(this.schema.version));
    if (known || this.info.highestSeen > this.schema.version) return this.check();
    this.host.listDoc.transact(() => versions.set(String(this.schema.version), true), this.host.origin);
  }

  /** The list document changed: it may name a newer version. */
  check(): void {
    const info = this.info;
    if (!info.newer || this.reported) return;
    this.reported = true;
    this.host.newer(info);
  }

  /** A task changed or became ready: migrate it (after the current transaction) if it is older than this code. */
  taskChanged(slot: TaskSlot): void {
    if (this.queued.has(slot)) return;
    this.queued.add(slot);
    queueMicrotask(() => {
      this.queued.delete(slot);
      if (slot.state === 'ready' && !this.host.isClosed()) this.migrate(slot.task);
    });
  }

  private migrate(task: TaskDoc): void {
    const from = task.schemaVersion;
    if (from > this.schema.version) {
      this.taskHighest = Math.max(this.taskHighest, from);
      return this.check();
    }
    if (from === this.schema.version || !task.created || this.failedTasks.has(task)) return;
    const before: Record<string, unknown> = { ...readAllStored(task), ...task.read() };
    let after: Readonly<Record<string, unknown>> = before;
    try {
      for (let version = from + 1; version <= this.schema.version; version++) {
        after = this.schema.migration(version)?.({ ...after }) ?? after;
      }
      const patch: Record<string, unknown> = {};
      for (const field of this.schema.fields.keys()) {
        if (field in after && JSON.stringify(after[field]) !== JSON.stringify(before[field])) patch[field] = after[field];
      }
      checkPatch(this.schema, patch);
      task.applyMigration(patch, this.schema.version, this.host.origin);
    } catch (error) {
      this.failedTasks.add(task);
      this.host.failed(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
