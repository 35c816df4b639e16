import type { ActivityEvent } from '../activity/events.js';
import { FEED_LIMIT } from '../activity/feed.js';

/**
 * The history a client keeps of its own, for use offline: its activity feed's cache, stored beside the list (the last
 * `LOCAL_HISTORY_LIMIT` events this device saw: its own changes and those it synced, with who and when, and for every
 * rename or description edit the text before and after). A task's versions are replayed from its events; the list's
 * versions are the times of its events. Nothing else is stored for it.
 */
export const LOCAL_HISTORY_LIMIT = FEED_LIMIT;

/** A task's fields that its versions carry. */
export interface VersionFields {
  readonly title: string;
  readonly description: string;
  readonly completed: boolean;
}

/** A version of the local record: when, who, and (for a task) its fields then. */
export interface LocalVersion extends VersionFields {
  readonly at: number;
  readonly by: readonly string[];
}

/**
 * A task's versions from its events (oldest first) and its fields now: the state after each event that changed a
 * field (events of one time and person are one version), replayed backwards from now; and the state before the first
 * such event, when the task existed before it (dated `createdAt`, when known and earlier).
 */
export function taskVersionsFromEvents(events: readonly ActivityEvent[], now: VersionFields, createdAt?: number): LocalVersion[] {
  const versions: LocalVersion[] = [];
  let state: VersionFields = now;
  let created = false;
  for (const event of [...events].reverse()) {
    const before = stateBefore(event, state);
    if (before === null) continue;
    const by = event.by ? [event.by.user] : [];
    // Events of one change (a rename and a completion in one update) are one version.
    const newer = versions.at(-1);
    if (!(newer && newer.at === event.at && newer.by.join() === by.join())) versions.push({ ...state, at: event.at, by });
    if (event.kind === 'created') {
      created = true;
      break;
    }
    state = before;
  }
  const first = versions.at(-1);
  if (!created && first && createdAt !== undefined && createdAt < first.at) versions.push({ ...state, at: createdAt, by: [] });
  return versions.reverse();
}

/** The fields before `event`, given those after it; null for an event that changed none of them. */
function stateBefore(event: ActivityEvent, after: VersionFields): VersionFields | null {
  switch (event.kind) {
    case 'created':
      return after;
    case 'renamed':
      return { ...after, title: event.from };
    case 'description-edited':
      return { ...after, description: event.from };
    case 'completed':
      return { ...after, completed: false };
    case 'reopened':
      return { ...after, completed: true };
    default:
      return null;
  }
}

/** The list's points in time from its events (oldest first): one per event time, with who wrote at that time. */
export function listVersionsFromEvents(events: readonly ActivityEvent[]): { at: number; by: string[] }[] {
  const points = new Map<number, Set<string>>();
  for (const event of events) {
    const users = points.get(event.at) ?? new Set<string>();
    if (event.by) users.add(event.by.user);
    points.set(event.at, users);
  }
  return [...points].sort(([a], [b]) => a - b).map(([at, users]) => ({ at, by: [...users].sort() }));
}
