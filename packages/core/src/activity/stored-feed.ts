import { changeId } from './diff.js';
import type { ActivityEvent } from './events.js';

/** The list document's meta key under which the feed's cache is stored. */
export const FEED_META_KEY = 'activity';

/**
 * One cached event as stored: `[kind, task, title, at, seq, by, rest?]`. `kind` and `task` index the cache's tables of
 * kinds and task ids, `by` its table of users (`2 × index + 1` when verified, -1 for none); `at` and `seq` are
 * differences from the previous event's; `rest` holds the kind's own fields, and the id when its other fields do not give it.
 * The cache is part of every list's stored bytes: written as objects, each event repeated its keys, its task id and its
 * author, at about 190 B an event; this way an event costs about a third of that.
 */
type StoredEvent = [kind: number, task: number, title: string, at: number, seq: number, by: number, rest?: Record<string, unknown>];

interface StoredFeed {
  readonly v: 2;
  readonly kinds: string[];
  readonly tasks: string[];
  readonly users: string[];
  readonly events: StoredEvent[];
}

/** The cache as JSON (see `StoredEvent`). */
export function encodeFeed(events: readonly ActivityEvent[]): Uint8Array {
  const kinds = new Interned();
  const tasks = new Interned();
  const users = new Interned();
  let at = 0;
  let seq = 0;
  const stored = events.map((event): StoredEvent => {
    const { id, kind, taskId, title, at: time, seq: number, by, ...own } = event;
    const rest: Record<string, unknown> = id === changeId(kind, taskId, time, by) ? own : { id, ...own };
    const author = by === null ? -1 : 2 * users.index(by.user) + (by.verified ? 1 : 0);
    const row: StoredEvent = [kinds.index(kind), tasks.index(taskId), title, time - at, number - seq, author];
    at = time;
    seq = number;
    if (Object.keys(rest).length > 0) row.push(rest);
    return row;
  });
  const feed: StoredFeed = { v: 2, kinds: kinds.values, tasks: tasks.values, users: users.values, events: stored };
  return new TextEncoder().encode(JSON.stringify(feed));
}

/**
 * The stored cache, checked: entries that are not events are skipped, and an unreadable cache is none (the feed then
 * starts again from the documents, losing only the cached history of plain changes). Reads caches written as an array of
 * event objects too.
 */
export function decodeFeed(bytes: Uint8Array | undefined): ActivityEvent[] {
  if (bytes === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return [];
  }
  const values = Array.isArray(parsed) ? parsed : isObject(parsed) && parsed.v === 2 ? expand(parsed) : [];
  return values
    .map((value: unknown) => (isObject(value) && value.id === undefined ? withId(value) : value))
    .filter(isEvent)
    .sort((a, b) => a.seq - b.seq);
}

/** The events of a stored feed as objects (an id left out is added by `withId`); rows that do not fit are dropped. */
function expand(feed: Record<string, unknown>): unknown[] {
  const { kinds, tasks, users, events } = feed;
  if (!isStrings(kinds) || !isStrings(tasks) || !isStrings(users) || !Array.isArray(events)) return [];
  let at = 0;
  let seq = 0;
  const out: unknown[] = [];
  for (const row of events as unknown[]) {
    if (!Array.isArray(row) || row.length < 6) continue;
    const [kind, task, title, dAt, dSeq, author] = [row[0], row[1], row[2], row[3], row[4], row[5]] as unknown[];
    if (typeof kind !== 'number' || typeof task !== 'number' || typeof dAt !== 'number' || typeof dSeq !== 'number' || typeof author !== 'number') continue;
    at += dAt;
    seq += dSeq;
    const user = author < 0 ? undefined : users[author >> 1];
    const event: Record<string, unknown> = { kind: kinds[kind], taskId: tasks[task], title, at, seq, by: user === undefined ? null : { user, verified: (author & 1) === 1 } };
    const rest: unknown = row[6];
    if (isObject(rest)) for (const key of Object.keys(rest)) if (!(key in event)) event[key] = rest[key];
    out.push(event);
  }
  return out;
}

/** Strings numbered in the order first seen. */
class Interned {
  readonly values: string[] = [];
  readonly #indexes = new Map<string, number>();

  index(value: string): number {
    let index = this.#indexes.get(value);
    if (index === undefined) {
      index = this.values.push(value) - 1;
      this.#indexes.set(value, index);
    }
    return index;
  }
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isEvent(value: unknown): value is ActivityEvent {
  if (typeof value !== 'object' || value === null) return false;
  const { id, taskId, title, at, seq, kind, by } = value as Record<string, unknown>;
  const author = by === null || (typeof by === 'object' && by !== null && typeof (by as { user?: unknown }).user === 'string');
  return typeof id === 'string' && typeof taskId === 'string' && typeof title === 'string' && typeof at === 'number' && typeof seq === 'number' && typeof kind === 'string' && author;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function withId(event: Record<string, unknown>): Record<string, unknown> {
  const { kind, taskId, at, by } = event;
  if (typeof kind !== 'string' || typeof taskId !== 'string' || typeof at !== 'number') return event;
  const user = isObject(by) && typeof by.user === 'string' ? by.user : null;
  return { id: changeId(kind, taskId, at, user === null ? null : { user, verified: false }), ...event };
}
