import type { Author } from '../attribution/authors.js';
import type { TaskId } from '../model/ids.js';

/** What every activity event carries: the task, its title when the event happened, who and when. */
export interface ActivityEventBase {
  /** Stable for the same event on every derivation of it (a resolution found again keeps its id). */
  readonly id: string;
  readonly taskId: TaskId;
  /** The task's title as the event left it (for a deletion or purge, as it was). */
  readonly title: string;
  /** Milliseconds since the epoch, as the writer's clock said. */
  readonly at: number;
  /** Who did it; null when no claim in the documents names the writer. */
  readonly by: Author | null;
}

/** A change someone made to one task. */
export type TaskChange = ActivityEventBase &
  (
    | { readonly kind: 'created' }
    | { readonly kind: 'renamed'; readonly from: string; readonly to: string }
    | { readonly kind: 'description-edited'; readonly from: string; readonly to: string }
    | { readonly kind: 'completed' }
    | { readonly kind: 'reopened' }
    | { readonly kind: 'moved'; readonly from: string; readonly to: string }
    | { readonly kind: 'deleted' }
    | { readonly kind: 'restored' }
    | { readonly kind: 'purged' }
  );

/** One version of a text field that two people wrote apart. */
export interface TextVersion {
  /** For an alternative: the id to pick it by (`list.pickAlternative(taskId, field, id)`). */
  readonly id?: string;
  readonly text: string;
  readonly by: Author | null;
  readonly at: number;
}

/** How a merge decided between changes that were made apart, each a thing people may want to undo. */
export type Resolution = ActivityEventBase &
  (
    | {
        /** Two people replaced the same words apart: `shown` is on every replica, `alternatives` can be picked. */
        readonly kind: 'text-conflict';
        readonly field: 'title' | 'description';
        /** The field's text before the colliding edits, when the replica that found them had it. */
        readonly from?: string;
        readonly shown: TextVersion;
        readonly alternatives: readonly TextVersion[];
      }
    | {
        /** `by` deleted the task without having seen `change` (made by `changedBy`, offline or concurrently). */
        readonly kind: 'deleted-unseen-change';
        readonly change: 'completed' | 'edited';
        readonly changedBy: Author | null;
        readonly changedAt: number;
      }
    | {
        /** `supersededBy` moved the task concurrently with `by`, whose move is replaced; `lostOrder` moves it back. */
        readonly kind: 'move-superseded';
        readonly supersededBy: Author | null;
        readonly lostOrder: string;
        readonly keptOrder: string;
      }
  );

/**
 * A restore of the whole list (`list.restoreTo`): every task brought back to `to`, or only `only`'s changes since then
 * reverted. It concerns the list, not one task: `taskId` and `title` are ''. `by`: who asked for it.
 */
export type ListRestored = ActivityEventBase & {
  readonly kind: 'list-restored';
  readonly to: number;
  readonly only: string | null;
  /** How many documents (the list and its tasks) it changed. */
  readonly changed: number;
};

/** An event as derived from the documents, before a feed gives it its place (`seq`). */
export type ActivityEventBody = TaskChange | Resolution | ListRestored;

/** An event of a list's feed: `seq` orders the feed as this replica learned of the events. */
export type ActivityEvent = ActivityEventBody & { readonly seq: number };

/** Every kind of activity event: the changes, then the resolutions. */
export type ActivityKind = ActivityEvent['kind'];

/** The kinds that are resolutions: what a merge decided between changes made apart. */
export const RESOLUTION_KINDS: ReadonlySet<ActivityKind> = new Set(['text-conflict', 'deleted-unseen-change', 'move-superseded']);

/** Whether an event is a resolution (`text-conflict`, `deleted-unseen-change`, `move-superseded`). */
export function isResolution(event: ActivityEventBody): event is Resolution {
  return RESOLUTION_KINDS.has(event.kind);
}
