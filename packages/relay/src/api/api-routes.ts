import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Author } from '@concord/core/activity';
import { isValidId, type TextAlternative } from '@concord/core/model';
import type { Logger } from 'pino';
import { RelayError } from '../errors.js';
import { inListOrder } from '../feed/derive-list.js';
import type { TaskView } from '../feed/feed-store.js';
import type { ListFeeds, SettledList } from '../feed/list-feeds.js';
import { ApiError } from './api-error.js';
import { authenticate, authorize, RequestRateLimit } from './caller.js';
import { serveEvents } from './events-route.js';
import type { ListWriter } from './list-writer.js';
import { openApiDocument } from './openapi.js';
import { readJsonBody, sendJson, validateBody } from './request.js';
import { CreateTask, PatchTask, type ListJson, type TaskJson } from './schemas.js';

export interface ApiOptions {
  readonly feeds: ListFeeds;
  readonly writer: ListWriter;
  readonly logger: Logger;
  readonly authSecret: string | null;
  readonly rateLimit: { readonly perSecond: number; readonly burst: number } | null;
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes: number;
  /** The relay's version, in the OpenAPI document. */
  readonly version: string;
}

/**
 * The task-level HTTP API under `/api/` (PROTOCOL.md, "HTTP API"). Returns false for a path outside it. Every answer
 * other than a success is a JSON error with a stable code.
 */
export function apiRoutes(options: ApiOptions): (request: IncomingMessage, response: ServerResponse, pathname: string) => Promise<boolean> {
  const limiter = new RequestRateLimit(options.rateLimit);
  const openApi = JSON.stringify(openApiDocument(options.version));
  const { feeds, writer } = options;

  // The answer to a GET of a list, made once per state of the list (a 1,000-task list is read far more than written).
  const answers = new WeakMap<SettledList, { etag: string; body: string }>();
  const answerOf = (list: string, settled: SettledList): { etag: string; body: string } => {
    let answer = answers.get(settled);
    if (answer === undefined) answers.set(settled, (answer = { etag: etagOf(settled), body: JSON.stringify(listJson(list, settled)) }));
    return answer;
  };

  const taskJson = async (list: string, task: string): Promise<TaskJson> => {
    const found = (await feeds.settle(list)).tasks.get(task);
    if (found?.order === null || found === undefined) throw new ApiError(404, 'ERR_NOT_FOUND', `no task ${task} in list ${list}`);
    return toJson(found);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse, pathname: string, url: URL): Promise<void> => {
    const method = request.method ?? 'GET';
    if (pathname === '/api/openapi.json') {
      if (method !== 'GET' && method !== 'HEAD') throw notAllowed('GET');
      response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache' });
      response.end(method === 'HEAD' ? undefined : openApi);
      return;
    }
    const route = matchRoute(pathname);
    if (route === null) throw new ApiError(404, 'ERR_NOT_FOUND', `no API resource at ${pathname}`);
    const { list, task, kind } = route;
    const caller = await authenticate(request, options.authSecret);
    limiter.take(caller.key);
    const body = async <T extends typeof CreateTask | typeof PatchTask>(schema: T) => validateBody(schema, await readJsonBody(request, options.maxBodyBytes));
    switch (`${method} ${kind}`) {
      case 'GET list': {
        authorize(caller, list, false);
        const { etag, body: text } = answerOf(list, await feeds.settle(list));
        if (matchesEtag(request.headers['if-none-match'], etag)) {
          response.writeHead(304, { ETag: etag, 'Cache-Control': 'no-cache' });
          response.end();
          return;
        }
        response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache', ETag: etag });
        response.end(text);
        return;
      }
      case 'GET events':
        authorize(caller, list, false);
        await serveEvents(request, response, url, list, feeds, caller.expiresAt);
        return;
      case 'POST tasks': {
        authorize(caller, list, true);
        const created = await writer.create(list, caller.author, await body(CreateTask));
        sendJson(response, 201, await taskJson(list, created), { Location: `/api/lists/${list}/tasks/${created}` });
        return;
      }
      case 'GET task':
        authorize(caller, list, false);
        sendJson(response, 200, await taskJson(list, task));
        return;
      case 'PATCH task':
        authorize(caller, list, true);
        await writer.patch(list, caller.author, task, await body(PatchTask));
        sendJson(response, 200, await taskJson(list, task));
        return;
      case 'DELETE task':
        authorize(caller, list, true);
        await writer.remove(list, caller.author, task);
        sendJson(response, 200, await taskJson(list, task));
        return;
      case 'POST restore':
        authorize(caller, list, true);
        await writer.restore(list, caller.author, task);
        sendJson(response, 200, await taskJson(list, task));
        return;
      default:
        throw notAllowed(ALLOWED[kind]);
    }
  };

  return async (request, response, pathname) => {
    if (pathname !== '/api' && !pathname.startsWith('/api/')) return false;
    try {
      await handle(request, response, pathname, new URL(request.url ?? '/', 'http://relay'));
    } catch (error) {
      answerError(response, error, options.logger, request);
    }
    return true;
  };
}

const ALLOWED = { list: 'GET', events: 'GET', tasks: 'POST', task: 'GET, PATCH, DELETE', restore: 'POST' } as const;

function matchRoute(pathname: string): { list: string; task: string; kind: keyof typeof ALLOWED } | null {
  if (!pathname.startsWith('/api/lists/')) return null;
  const parts = pathname.slice('/api/lists/'.length).split('/').map(decodeSegment);
  const list = parts[0];
  if (list === undefined || list === null) return null;
  if (!isValidId(list)) throw new ApiError(400, 'ERR_VALIDATION', `invalid list id: use 1-128 of A-Z a-z 0-9 _ -`, 'list');
  if (parts.length === 1) return { list, task: '', kind: 'list' };
  if (parts.length === 2 && parts[1] === 'events') return { list, task: '', kind: 'events' };
  if (parts[1] !== 'tasks') return null;
  if (parts.length === 2) return { list, task: '', kind: 'tasks' };
  const task = parts[2];
  if (task === undefined || task === null) return null;
  if (!isValidId(task)) throw new ApiError(400, 'ERR_VALIDATION', `invalid task id: use 1-128 of A-Z a-z 0-9 _ -`, 'task');
  if (parts.length === 3) return { list, task, kind: 'task' };
  if (parts.length === 4 && parts[3] === 'restore') return { list, task, kind: 'restore' };
  return null;
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function notAllowed(allow: string): ApiError {
  return new ApiError(405, 'ERR_METHOD_NOT_ALLOWED', `allowed: ${allow}`, undefined, { Allow: allow });
}

const authorJson = (author: Author | undefined): { user: string; verified: boolean } | null => (author === undefined ? null : { user: author.user, verified: author.verified });

function toJson(task: TaskView): TaskJson {
  const { id, title, description, completed, createdAt, updatedAt } = task;
  return {
    id,
    title,
    description,
    completed,
    order: task.order ?? '',
    createdAt,
    createdBy: authorJson(task.createdBy),
    updatedAt,
    updatedBy: authorJson(task.updatedBy),
    movedBy: authorJson(task.movedBy),
    ...(completed && task.toggledAt !== undefined ? { completedAt: task.toggledAt, completedBy: authorJson(task.toggledBy) } : {}),
    ...(task.deleted ? { deleted: { at: task.deletedAt ?? 0, by: authorJson(task.deletedBy) } } : {}),
    ...(task.fields === undefined ? {} : { fields: task.fields }),
    ...(task.alternatives === undefined ? {} : { alternatives: alternativesJson(task.alternatives) }),
  };
}

function alternativesJson(alternatives: NonNullable<TaskView['alternatives']>): NonNullable<TaskJson['alternatives']> {
  const json = (list: readonly TextAlternative[]) => list.map(({ id, text, by, at }) => ({ id, text, by: by ?? null, at }));
  return { ...(alternatives.title === undefined ? {} : { title: json(alternatives.title) }), ...(alternatives.description === undefined ? {} : { description: json(alternatives.description) }) };
}

function listJson(list: string, settled: SettledList): ListJson {
  const { live, trash } = inListOrder(settled.tasks.values());
  return { id: list, tasks: live.map(toJson), trash: trash.map(toJson) };
}

/** Names the stored state of every document of the list: it changes whenever one of them does. */
function etagOf(settled: SettledList): string {
  return `"${createHash('sha256').update(settled.fingerprints.join(',')).digest('base64url').slice(0, 27)}"`;
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

function answerError(response: ServerResponse, error: unknown, logger: Logger, request: IncomingMessage): void {
  const refusal = asApiError(error);
  if (refusal.status >= 500) logger.error({ err: error, url: request.url, method: request.method }, 'api request failed');
  if (response.headersSent) {
    response.destroy();
    return;
  }
  // The rest of a refused body is not read: the connection closes instead of taking it.
  if (refusal.status === 413) response.setHeader('Connection', 'close');
  sendJson(response, refusal.status, refusal.body, { ...refusal.headers });
}

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof RelayError) {
    if (error.code === 'ERR_CLIENT_ID_TAKEN' || error.code === 'ERR_CORRUPT_UPDATE' || error.code === 'ERR_UNMET_DEPENDENCY') {
      return new ApiError(409, 'ERR_WRITE_REFUSED', `the relay refused the write: ${error.message}`);
    }
    if (error.code === 'ERR_ENGINE_CLOSED' || error.code === 'ERR_STORAGE' || error.code === 'ERR_LOAD_FAILED') {
      return new ApiError(503, 'ERR_UNAVAILABLE', `the write was not stored: ${error.message}`, undefined, { 'Retry-After': '1' });
    }
  }
  return new ApiError(500, 'ERR_INTERNAL', 'internal error (logged)');
}

