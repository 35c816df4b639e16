import { changeId } from './diff.js';
import type { ActivityEvent } from './events.js';

/** The list document's meta key under which the feed's cache is stored. */
export const FEED_META_KEY = 'activity';

/** The cache as JSON, each event without the id its other fields give (most of them: every change). */
export function encodeFeed(events: readonly ActivityEvent[]): Uint8Array {
  const compact = events.map(({ id, ...event }) => (id === changeId(event.kind, event.taskId, event.at, event.by) ? event : { id, ...event }));
  return new TextEncoder().encode(JSON.stringify(compact));
}

/**
 * The stored cache, checked: entries that are not events are skipped, and an unreadable cache is none (the feed then
 * starts again from the documents, losing only the cached history of plain changes).
 */
export function decodeFeed(bytes: Uint8Array | undefined): ActivityEvent[] {
  if (bytes === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed
    .map((value: unknown) => (isObject(value) && value.id === undefined ? withId(value) : value))
    .filter(isEvent)
    .sort((a, b) => a.seq - b.seq);
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
