import type { TSchema } from '@sinclair/typebox';
import { COMPONENTS } from './schemas.js';

const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown): { content: { 'application/json': { schema: unknown } } } => ({ content: { 'application/json': { schema } } });
const error = (description: string): { description: string } & ReturnType<typeof json> => ({ description, ...json(ref('Error')) });

const listParam = { name: 'list', in: 'path', required: true, schema: { $ref: '#/components/schemas/Id' } };
const taskParam = { name: 'task', in: 'path', required: true, schema: { $ref: '#/components/schemas/Id' } };
const refusals = {
  '401': error('no token, or an invalid or expired one (ERR_UNAUTHORIZED)'),
  '403': error('the token does not cover the list, or is read-only for a write (ERR_FORBIDDEN)'),
  '429': error('over the rate limit (ERR_RATE_LIMITED); Retry-After says when to try again'),
};
const writeRefusals = {
  ...refusals,
  '400': error('the body or a parameter is invalid (ERR_VALIDATION with `field`, ERR_MALFORMED_JSON)'),
  '413': error('the body is over the limit (ERR_BODY_TOO_LARGE)'),
  '415': error('the body is not application/json'),
};

/** A schema as a component: TypeBox's `$id` is replaced by the component's name, which `$ref`s point at. */
function component(schema: TSchema): unknown {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) => (key === '$id' ? undefined : value));
}

/**
 * The OpenAPI 3.1 document of the HTTP API, built from the TypeBox schemas the API validates requests with (OpenAPI
 * 3.1 schemas are JSON Schema 2020-12: TypeBox's output is used as it is).
 */
export function openApiDocument(version: string): Record<string, unknown> {
  const schemas: Record<string, unknown> = { Id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' } };
  for (const [name, schema] of Object.entries(COMPONENTS)) schemas[name] = component(schema);
  const taskResponse = { description: 'the task after the change', ...json(ref('Task')) };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Concord relay HTTP API',
      version,
      description: 'Task-level reads and writes of Concord lists, and their change feed. Writes merge with concurrent edits like any client’s.',
    },
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'the same HS256 tokens as WebSocket connections (when the relay runs with --auth-secret)' } },
    },
    security: [{ bearer: [] }],
    paths: {
      '/api/lists/{list}': {
        get: {
          operationId: 'getList',
          summary: 'The list: live tasks in order, the trash apart',
          parameters: [listParam, { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'the list; ETag identifies the stored state of its documents', headers: { ETag: { schema: { type: 'string' } } }, ...json(ref('List')) },
            '304': { description: 'unchanged since the ETag given in If-None-Match' },
            ...refusals,
          },
        },
      },
      '/api/lists/{list}/tasks': {
        post: {
          operationId: 'createTask',
          summary: 'Create a task (at the end, or after `position.after`)',
          parameters: [listParam],
          requestBody: { required: true, ...json(ref('CreateTask')) },
          responses: { '201': { ...taskResponse, description: 'created', headers: { Location: { schema: { type: 'string' } } } }, '409': error('a task with this id exists (ERR_CONFLICT)'), ...writeRefusals },
        },
      },
      '/api/lists/{list}/tasks/{task}': {
        get: { operationId: 'getTask', summary: 'One task', parameters: [listParam, taskParam], responses: { '200': { description: 'the task', ...json(ref('Task')) }, '404': error('no such task (ERR_NOT_FOUND)'), ...refusals } },
        patch: {
          operationId: 'updateTask',
          summary: 'Change title, description, completed or position, or pick an alternative of a text; texts change by minimal splice',
          parameters: [listParam, taskParam],
          requestBody: { required: true, ...json(ref('PatchTask')) },
          responses: { '200': taskResponse, '404': error('no such task (ERR_NOT_FOUND)'), '409': error('moving a task in the trash (ERR_CONFLICT), or picking an alternative the task does not have (ERR_UNKNOWN_ALTERNATIVE)'), ...writeRefusals },
        },
        delete: {
          operationId: 'deleteTask',
          summary: 'Move the task to the trash',
          parameters: [listParam, taskParam],
          responses: { '200': taskResponse, '404': error('no such task (ERR_NOT_FOUND)'), ...refusals },
        },
      },
      '/api/lists/{list}/tasks/{task}/restore': {
        post: {
          operationId: 'restoreTask',
          summary: 'Bring the task back from the trash',
          parameters: [listParam, taskParam],
          responses: { '200': taskResponse, '404': error('no such task (ERR_NOT_FOUND)'), ...refusals },
        },
      },
      '/api/lists/{list}/events': {
        get: {
          operationId: 'listEvents',
          summary: 'The change feed: a JSON page, or Server-Sent Events with Accept: text/event-stream',
          parameters: [
            listParam,
            { name: 'after', in: 'query', required: false, schema: { type: 'string', pattern: '^[0-9]+$' }, description: 'resume after this event id (0 or absent: from the start)' },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
            { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' }, description: 'SSE: resume after this event id (over `after`)' },
          ],
          responses: {
            '200': {
              description: 'events after the cursor, oldest first',
              content: {
                'application/json': { schema: ref('EventPage') },
                'text/event-stream': { schema: { type: 'string', description: 'one SSE message per event: id = event id, event = type, data = TaskEvent JSON' } },
              },
            },
            '400': error('invalid cursor or limit (ERR_INVALID_CURSOR, ERR_VALIDATION)'),
            ...refusals,
          },
        },
      },
    },
  };
}

