import { taskDocName, type ListId, type TaskId } from '../model/ids.js';
import type { VersionEntry } from '../protocol/messages.js';
import { TransportError, TransportErrorCode } from '../transport/errors.js';
import { RelayOrigin } from '../transport/relay-origin.js';
import type { RestoreOptions, Transport } from '../transport/transport.js';

/** A point in time the relay keeps of a list (a checkpoint): when, and who wrote since the one before. */
export interface ListVersion {
  readonly at: number;
  readonly by: readonly string[];
}

/** A version of one task: its title, description and completion then. */
export interface TaskVersion extends ListVersion {
  readonly title: string;
  readonly description: string;
  readonly completed: boolean;
}

/** What a list's history needs of the open list: where a restore it asked for goes. */
export interface ListHistoryHost {
  /** Runs `apply` (the restore's updates, applied together) as one step of the list's undo history. */
  asUndoStep(apply: () => void, taskIds: readonly TaskId[]): void;
  /** Records in the list document a restore of the list this replica asked for (the activity feed shows it). */
  restored(record: { readonly to: number; readonly only: string; readonly changed: number }): void;
}

/**
 * A list's history as the relay keeps it (see the relay's PROTOCOL.md, "History"): asked over the connection, so it
 * needs one (rejects with `ERR_CONNECTION_CLOSED` offline). Restores are done by the relay; a `concord.v2` relay sends
 * the requester its updates in the answer, applied here as one undoable step.
 */
export class ListHistory {
  constructor(
    private readonly listId: ListId,
    private readonly transport: () => Transport | null,
    private readonly host: ListHistoryHost,
  ) {}

  /** The list's versions, oldest first. */
  async versions(): Promise<ListVersion[]> {
    return (await this.#relay().history(this.listId)).map(({ at, by }) => ({ at, by }));
  }

  /** Every kept version of a task, oldest first, with its fields then. */
  async history(taskId: TaskId): Promise<TaskVersion[]> {
    return (await this.#relay().history(taskDocName(this.listId, taskId))).map(taskVersion);
  }

  /** Brings the list and every task back to `time`, or only `only`'s changes since; resolves with the documents changed. */
  async restoreTo(time: number, options: { readonly only?: string } = {}): Promise<number> {
    const only = options.only ?? '';
    const changed = await this.#relay().restore(this.listId, time, only, this.#asStep([]));
    if (changed > 0) this.host.restored({ to: time, only, changed });
    return changed;
  }

  /** Brings one task's fields back to a version (`history(taskId)`), as a new change. */
  async restoreVersion(taskId: TaskId, version: TaskVersion | number): Promise<void> {
    await this.#relay().restore(taskDocName(this.listId, taskId), typeof version === 'number' ? version : version.at, '', this.#asStep([taskId]));
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
  };
}
