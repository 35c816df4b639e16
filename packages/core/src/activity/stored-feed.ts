import type { ActivityEvent } from './events.js';

/** The list document's meta key under which the feed's cache is stored. */
export const FEED_META_KEY = 'activity';

export function encodeFeed(events: readonly ActivityEvent[]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(events));
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
  return parsed.filter(isEvent).sort((a, b) => a.seq - b.seq);
}

function isEvent(value: unknown): value is ActivityEvent {
  if (typeof value !== 'object' || value === null) return false;
  const { id, taskId, title, at, seq, kind, by } = value as Record<string, unknown>;
  const author = by === null || (typeof by === 'object' && by !== null && typeof (by as { user?: unknown }).user === 'string');
  return typeof id === 'string' && typeof taskId === 'string' && typeof title === 'string' && typeof at === 'number' && typeof seq === 'number' && typeof kind === 'string' && author;
}
