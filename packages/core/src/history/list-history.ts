import { taskDocName, type ListId, type TaskId } from '../model/ids.js';
import type { ActivityEvent } from '../activity/events.js';
import type { VersionEntry } from '../protocol/messages.js';
import { listVersionsFromEvents, taskVersionsFromEvents, type VersionFields } from './local-history.js';
import { TransportError, TransportErrorCode } from '../transport/errors.js';
import { RelayOrigin } from '../transport/relay-origin.js';
import type { RestoreOptions, Transport } from '../transport/transport.js';

/**
 * A point in time of a list: a checkpoint the relay keeps (`source: 'relay'`: when, and who wrote since the one
 * before), or a change this client recorded itself (`'local'`: when, who; see "History and restore" in the README).
 */
export interface ListVersion {
  readonly at: number;
  readonly by: readonly string[];
  /** Where it comes from: the relay's checkpoints, or this client's own record (what it saw happen, also offline). */
  readonly source: 'relay' | 'local';
}

/** A version of one task: its title, description and completion then. */
export interface TaskVersion extends ListVersion {
  readonly title: string;
  readonly description: string;
  readonly completed: boolean;
}

/** What a list's history needs of the open list: where a restore it asked for goes, and its own record. */
export interface ListHistoryHost {
  /** The list's activity events this client keeps (one task's with `taskId`), oldest first. */
  events(taskId?: TaskId): readonly ActivityEvent[];
  /** A task's fields now (live or in the trash), with when it was created; undefined for none. */
  fields(taskId: TaskId): (VersionFields & { readonly createdAt?: number }) | undefined;
  /** Writes a task's fields back, as a local edit (a local version restored, or any version while offline). */
  write(taskId: TaskId, fields: VersionFields): void;
  /** Runs `apply` (the restore's updates, applied together) as one step of the list's undo history. */
  asUndoStep(apply: () => void, taskIds: readonly TaskId[]): void;
  /** Records in the list document a restore of the list this replica asked for (the activity feed shows it). */
  restored(record: { readonly to: number; readonly only: string; readonly changed: number }): void;
}

/**
 * A list's history: the relay's checkpoints (see the relay's PROTOCOL.md, "History"), asked over the connection, with
 * the client's own record of recent changes (`local-history.ts`), which alone answers offline. Restores of the list are
 * done by the relay (they need the connection); a `concord.v2` relay sends the requester its updates in the answer,
 * applied here as one undoable step.
 */
export class ListHistory {
  constructor(
    private readonly listId: ListId,
    private readonly transport: () => Transport | null,
    private readonly host: ListHistoryHost,
  ) {}

  /** The list's versions, oldest first: the relay's checkpoints with this client's own record (alone offline). */
  async versions(): Promise<ListVersion[]> {
    const local = listVersionsFromEvents(this.host.events()).map((version): ListVersion => ({ ...version, source: 'local' }));
    const relay = await this.#fromRelay((transport) => transport.history(this.listId));
    if (relay === null) return local;
    const checkpoints = new Set(relay.map((version) => version.at));
    const merged = [...relay.map(({ at, by }): ListVersion => ({ at, by, source: 'relay' })), ...local.filter((version) => !checkpoints.has(version.at))];
    return merged.sort((a, b) => a.at - b.at);
  }

  /** Every kept version of a task, oldest first, with its fields then: the relay's and this client's (alone offline). */
  async history(taskId: TaskId): Promise<TaskVersion[]> {
    const fields = this.host.fields(taskId);
    const local = fields ? taskVersionsFromEvents(this.host.events(taskId), fields, fields.createdAt).map((version): TaskVersion => ({ ...version, source: 'local' })) : [];
    const relay = await this.#fromRelay((transport) => transport.history(taskDocName(this.listId, taskId)));
    if (relay === null) return local;
    // In time order, each version once: a local one the same as the version just before it (a checkpoint of the same
    // fields, or a change that touched none of them) adds nothing.
    const merged = [...relay.map(taskVersion), ...local].sort((a, b) => a.at - b.at || (a.source === 'relay' ? -1 : 1));
    return merged.filter((version, i) => i === 0 || version.source === 'relay' || !sameFields(version, merged[i - 1]!));
  }

  /** Brings the list and every task back to `time`, or only `only`'s changes since; resolves with the documents changed. */
  async restoreTo(time: number, options: { readonly only?: string } = {}): Promise<number> {
    const only = options.only ?? '';
    const changed = await this.#relay().restore(this.listId, time, only, this.#asStep([]));
    if (changed > 0) this.host.restored({ to: time, only, changed });
    return changed;
  }

  /**
   * Brings one task's fields back to a version (`history(taskId)`), as a new change: the relay restores its document
   * to a version of its own; a version of this client's record, or any version while offline, is written here.
   */
  async restoreVersion(taskId: TaskId, version: TaskVersion | number): Promise<void> {
    if (typeof version !== 'number' && (version.source === 'local' || this.#offline())) {
      this.host.write(taskId, { title: version.title, description: version.description, completed: version.completed });
      return;
    }
    await this.#relay().restore(taskDocName(this.listId, taskId), typeof version === 'number' ? version : version.at, '', this.#asStep([taskId]));
  }

  /** What the relay answers, or null when there is no relay to ask (offline, or a transport without history). */
  async #fromRelay(ask: (transport: Required<Pick<Transport, 'history'>>) => Promise<VersionEntry[]>): Promise<VersionEntry[] | null> {
    if (this.#offline()) return null;
    try {
      return await ask(this.#relay());
    } catch (error) {
      if (error instanceof TransportError && error.code === TransportErrorCode.ConnectionClosed) return null;
      throw error;
    }
  }

  #offline(): boolean {
    const transport = this.transport();
    return !transport?.history || transport.status.state === 'offline';
  }

  #asStep(taskIds: readonly TaskId[]): RestoreOptions {
    return { origin: new RelayOrigin('restore'), around: (apply) => this.host.asUndoStep(apply, taskIds) };
  }

  #relay(): Required<Pick<Transport, 'history' | 'restore'>> {
    const transport = this.transport();
    if (!transport?.history || !transport.restore) {
      throw new TransportError(TransportErrorCode.ConnectionClosed, 'history is kept by the relay: this client has no relay connection that serves it');
    }
    return transport as Required<Pick<Transport, 'history' | 'restore'>>;
  }
}

function sameFields(a: VersionFields, b: VersionFields): boolean {
  return a.title === b.title && a.description === b.description && a.completed === b.completed;
}

function taskVersion({ at, by, content }: VersionEntry): TaskVersion {
  let parsed: { title?: unknown; description?: unknown; fields?: { completed?: unknown } } = {};
  try {
    parsed = JSON.parse(content || '{}') as typeof parsed;
  } catch {
    // A version whose content could not be read shows empty fields rather than failing the whole history.
  }
  return {
    at,
    by,
    title: typeof parsed.title === 'string' ? parsed.title : '',
    description: typeof parsed.description === 'string' ? parsed.description : '',
    completed: parsed.fields?.completed === true,
    source: 'relay',
  };
}
