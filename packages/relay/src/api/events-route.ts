import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Author, TextVersion } from '@concord/core/activity';
import type { ListFeeds } from '../feed/list-feeds.js';
import { fireAt } from '../host/limits.js';
import type { StoredEvent } from '../feed/feed-store.js';
import { ApiError } from './api-error.js';
import { sendJson } from './request.js';
import type { TaskEventJson } from './schemas.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1_000;
/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

/** An event as the API shows it: its number as the cursor, its list, when it was derived. */
export function eventJson(list: string, { seq, event }: StoredEvent): TaskEventJson {
  const { id, kind, taskId, title, by, at } = event;
  const json: Record<string, unknown> = { id: String(seq), key: id, type: kind, list, task: taskId, title, by: authorJson(by), at };
  const extra = event as unknown as Record<string, unknown>;
  for (const key of ['from', 'to', 'after', 'field', 'change', 'changedAt', 'lostOrder', 'keptOrder'] as const) if (extra[key] !== undefined) json[key] = extra[key];
  for (const key of ['changedBy', 'supersededBy'] as const) if (extra[key] !== undefined) json[key] = authorJson(extra[key] as Author | null);
  if (event.kind === 'text-conflict') {
    json.shown = versionJson(event.shown);
    json.alternatives = event.alternatives.map(versionJson);
  }
  return json as TaskEventJson;
}

const authorJson = (author: Author | null): { user: string; verified: boolean } | null => (author === null ? null : { user: author.user, verified: author.verified });
const versionJson = ({ id, text, by, at }: TextVersion): Record<string, unknown> => ({ ...(id === undefined ? {} : { id }), text, by: authorJson(by), at });

function cursorOf(text: string | null | undefined, field: string): number {
  if (text === null || text === undefined || text === '') return 0;
  if (!/^\d{1,15}$/.test(text)) throw new ApiError(400, 'ERR_INVALID_CURSOR', `${field}: an event id (digits) is expected`, field);
  return Number(text);
}

/**
 * `GET /api/lists/:list/events`: a JSON page (`{ events, next }`), or with `Accept: text/event-stream` a stream of
 * Server-Sent Events that starts after the cursor (`Last-Event-ID`, else `?after=`) and stays open until the token
 * expires (as a WebSocket is closed then; the reader reconnects with a fresh token and its last event id).
 */
export async function serveEvents(request: IncomingMessage, response: ServerResponse, url: URL, list: string, feeds: ListFeeds, expiresAt: number | null): Promise<void> {
  const stream = (request.headers.accept ?? '').includes('text/event-stream');
  const lastEventId = request.headers['last-event-id'];
  let after = stream && typeof lastEventId === 'string' && lastEventId !== '' ? cursorOf(lastEventId, 'Last-Event-ID') : cursorOf(url.searchParams.get('after'), 'after');
  const limitText = url.searchParams.get('limit');
  const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new ApiError(400, 'ERR_VALIDATION', `limit: an integer from 1 to ${MAX_LIMIT}`, 'limit');
  if (!stream) {
    const events = await feeds.events(list, after, limit);
    sendJson(response, 200, { events: events.map((event) => eventJson(list, event)), next: String(events.at(-1)?.seq ?? after) });
    return;
  }
  // Subscribed before the backlog is read: events committed meanwhile are then sent by the pump, after it.
  let pumping: Promise<void> | null = null;
  let again = false;
  let closed = false;
  const pump = (): void => {
    if (pumping !== null) {
      again = true;
      return;
    }
    pumping = (async () => {
      do {
        again = false;
        for (;;) {
          const events = await feeds.events(list, after, MAX_LIMIT);
          if (events.length === 0 || closed) break;
          let text = '';
          for (const event of events) text += `id: ${event.seq}\nevent: ${event.event.kind}\ndata: ${JSON.stringify(eventJson(list, event))}\n\n`;
          after = events.at(-1)!.seq;
          response.write(text);
        }
      } while (again && !closed);
    })()
      .catch(() => void response.destroy())
      .finally(() => {
        pumping = null;
      });
  };
  const unsubscribe = feeds.subscribe(list, pump);
  const keepalive = setInterval(() => response.write(': keepalive\n\n'), KEEPALIVE_MS);
  let cancelExpiry: (() => void) | null = null;
  response.on('close', () => {
    closed = true;
    clearInterval(keepalive);
    cancelExpiry?.();
    unsubscribe();
  });
  response.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  response.write(': concord change feed\n\n');
  if (expiresAt !== null) cancelExpiry = fireAt(expiresAt, () => response.end());
  pump();
}
