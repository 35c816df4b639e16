import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * The HTTP API's JSON, as TypeBox schemas: they are JSON Schema, so the same objects validate request bodies
 * (`validateBody`) and are the components of the OpenAPI document (`openApiDocument`). No copy is kept by hand.
 */

/** Ids as core accepts them (`isValidId`): a '/' would make `<listId>/<taskId>` ambiguous. */
export const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}$', description: '1-128 of A-Z a-z 0-9 _ -' });

/** The longest title and description accepted over HTTP (UTF-16 code units, as JavaScript counts). */
export const MAX_TITLE_LENGTH = 1_000;
export const MAX_DESCRIPTION_LENGTH = 100_000;

const Title = Type.String({ maxLength: MAX_TITLE_LENGTH });
const Description = Type.String({ maxLength: MAX_DESCRIPTION_LENGTH });
const Author = Type.Object(
  {
    user: Type.String({ description: 'the user the writing replica claimed for its Yjs client id' }),
    verified: Type.Boolean({ description: 'the relay bound that client id to this user (a token `sub`)' }),
  },
  { additionalProperties: false },
);
const By = Type.Union([Author, Type.Null()], { description: 'who wrote it; null where no claim names the writer' });

/**
 * The events of the feed: task-level changes (`diffTask` in `@concord/core/activity`), then the resolutions of merges
 * (`detectResolutions`): two text edits made apart that collided, a deletion that had not seen a change, a move
 * replaced by a concurrent one.
 */
export const TASK_EVENT_TYPES = ['created', 'renamed', 'description-edited', 'completed', 'reopened', 'moved', 'deleted', 'restored', 'purged', 'text-conflict', 'deleted-unseen-change', 'move-superseded'] as const;

/** The built-in text fields, the ones that keep alternatives after a collision. */
const TextField = Type.Union([Type.Literal('title'), Type.Literal('description')]);

const Alternative = Type.Object(
  {
    id: Type.String({ description: 'pick it with PATCH { "pick": { "field", "alternative": id } }' }),
    text: Type.String(),
    by: Type.Union([Type.String(), Type.Null()], { description: 'the user id of its author, when known' }),
    at: Type.Integer({ description: 'the edit’s hybrid time, ms since the epoch' }),
  },
  { additionalProperties: false },
);

const textVersion = (description: string) =>
  Type.Object(
    { id: Type.Optional(Type.String({ description: 'an alternative’s id, to pick it' })), text: Type.String(), by: By, at: Type.Integer() },
    { additionalProperties: false, description },
  );

export const Position = Type.Object(
  { after: Type.Union([Id, Type.Null()], { description: 'the live task to follow; null: first' }) },
  { additionalProperties: false, description: 'where the task goes among the live tasks' },
);

export const Task = Type.Object(
  {
    id: Id,
    title: Type.String(),
    description: Type.String(),
    completed: Type.Boolean(),
    order: Type.String({ description: 'fractional order key (ties broken by id)' }),
    createdAt: Type.Integer({ description: 'ms since the epoch, the writer’s clock; 0 until the task document arrived' }),
    createdBy: By,
    updatedAt: Type.Integer(),
    updatedBy: By,
    movedBy: By,
    completedBy: Type.Optional(By),
    completedAt: Type.Optional(Type.Integer()),
    deleted: Type.Optional(Type.Object({ at: Type.Integer(), by: By }, { additionalProperties: false })),
    fields: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description:
          'the app-declared fields the task document holds, decoded by how they are stored (the relay has no schema): a register its value, a set its members (sorted strings), a counter its total, a text field its text; a value the app’s schema would refuse is shown as stored',
      }),
    ),
    alternatives: Type.Optional(
      Type.Object(
        { title: Type.Optional(Type.Array(Alternative)), description: Type.Optional(Type.Array(Alternative)) },
        { additionalProperties: false, description: 'the other versions of a text after two edits made apart collided, latest first; absent when none' },
      ),
    ),
  },
  { additionalProperties: false, $id: 'Task' },
);

export const List = Type.Object(
  {
    id: Id,
    tasks: Type.Array(Task, { description: 'live tasks in list order' }),
    trash: Type.Array(Task, { description: 'tasks in the trash, in list order' }),
  },
  { additionalProperties: false, $id: 'List' },
);

export const CreateTask = Type.Object(
  {
    id: Type.Optional(Id),
    title: Title,
    description: Type.Optional(Description),
    completed: Type.Optional(Type.Boolean()),
    position: Type.Optional(Position),
  },
  { additionalProperties: false, $id: 'CreateTask' },
);

export const PatchTask = Type.Object(
  {
    title: Type.Optional(Title),
    description: Type.Optional(Description),
    completed: Type.Optional(Type.Boolean()),
    position: Type.Optional(Position),
    pick: Type.Optional(
      Type.Object(
        { field: TextField, alternative: Type.String({ minLength: 1, maxLength: 200, description: 'an id from the task’s `alternatives`' }) },
        { additionalProperties: false, description: 'show this alternative of the field instead of its text (not together with a new text for that field)' },
      ),
    ),
  },
  { additionalProperties: false, minProperties: 1, $id: 'PatchTask' },
);

export const ApiErrorBody = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String({ description: 'stable, e.g. ERR_VALIDATION, ERR_UNAUTHORIZED, ERR_FORBIDDEN, ERR_NOT_FOUND' }),
        message: Type.String(),
        field: Type.Optional(Type.String({ description: 'JSON pointer of the offending field, for ERR_VALIDATION' })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, $id: 'Error' },
);

export const TaskEvent = Type.Object(
  {
    id: Type.String({ description: 'the cursor: resume after it with ?after= or Last-Event-ID' }),
    key: Type.String({ description: 'the same for the same change wherever it is derived (kind, task, time, user)' }),
    type: Type.Union(TASK_EVENT_TYPES.map((type) => Type.Literal(type))),
    list: Id,
    task: Id,
    title: Type.String({ description: 'the title as the change left it (as it was, for deleted and purged)' }),
    by: By,
    at: Type.Integer({ description: 'when, ms since the epoch, by the writer’s clock (the relay’s for purged)' }),
    from: Type.Optional(Type.String({ description: 'renamed, description-edited, text-conflict: the old text; moved: the old order key' })),
    to: Type.Optional(Type.String({ description: 'renamed, description-edited: the new text; moved: the new order key' })),
    after: Type.Optional(Type.Union([Id, Type.Null()], { description: 'created, moved: the live task it now follows (null: first)' })),
    field: Type.Optional(TextField),
    shown: Type.Optional(textVersion('text-conflict: the version every replica shows')),
    alternatives: Type.Optional(Type.Array(textVersion('a version that can be picked'), { description: 'text-conflict: the versions that can be picked' })),
    change: Type.Optional(Type.Union([Type.Literal('completed'), Type.Literal('edited')], { description: 'deleted-unseen-change: what the deleter had not seen' })),
    changedBy: Type.Optional(By),
    changedAt: Type.Optional(Type.Integer()),
    supersededBy: Type.Optional(Type.Union([Author, Type.Null()], { description: 'move-superseded: whose concurrent move was kept' })),
    lostOrder: Type.Optional(Type.String({ description: 'move-superseded: the order key of the move replaced (PATCH a position to make it again)' })),
    keptOrder: Type.Optional(Type.String()),
  },
  { additionalProperties: false, $id: 'TaskEvent' },
);

export const EventPage = Type.Object(
  {
    events: Type.Array(TaskEvent),
    next: Type.String({ description: 'the cursor to pass as ?after= next time (the last event, or the one passed)' }),
  },
  { additionalProperties: false, $id: 'EventPage' },
);

export type TaskJson = Static<typeof Task>;
export type ListJson = Static<typeof List>;
export type CreateTaskBody = Static<typeof CreateTask>;
export type PatchTaskBody = Static<typeof PatchTask>;
export type TaskEventJson = Static<typeof TaskEvent>;
export type EventPageJson = Static<typeof EventPage>;

/** Every named schema, as the OpenAPI document's components. */
export const COMPONENTS: Record<string, TSchema> = { Task, List, CreateTask, PatchTask, Error: ApiErrorBody, TaskEvent, EventPage };
