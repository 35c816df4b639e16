import * as Y from 'yjs';
import { keepClaims } from '@concord/core/activity';
import { asTaskId, claimAuthorship, ListDoc, newTaskId, TaskDoc, type TaskId, type TaskPatch } from '@concord/core/model';
import type { MemberEngine, RoomMember } from '../engine/member.js';
import { EMPTY_STATE_VECTOR } from '../engine/merge-tree.js';
import { ApiError } from './api-error.js';
import type { CreateTaskBody, PatchTaskBody } from './schemas.js';

/** A writer over HTTP, as the engine sees it: a member that wants nothing forwarded, with the token's user. */
class ApiMember implements RoomMember {
  constructor(readonly author: string | undefined) {}
  receiveUpdate(): void {}
  receiveAwareness(): void {}
}

const ORIGIN = 'http-api';

/**
 * Applies the HTTP API's writes to a list the way a client would: each document's current durable state goes into a
 * short-lived `Y.Doc`, core's model makes the change (texts as minimal splices, so a concurrent typist's edit merges),
 * and the resulting update enters the engine like a client's (screened, bound to the token's user, stored before it is
 * forwarded). The task document is written before the list entry that makes the task visible.
 *
 * Each user writes through one Yjs client id per relay process, not a new one per request (every client id stays in
 * the documents' state vectors for good); writes to one list are serialised so two requests never extend that client
 * id from the same clock.
 */
export class ListWriter {
  readonly #clientIds = new Map<string, number>();
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly engine: MemberEngine,
    /** The task as the list shows it now (everything durable derived): whether it is there, and in the trash. */
    private readonly lookup: (list: string, task: string) => Promise<{ readonly deleted: boolean } | undefined>,
  ) {}

  create(list: string, author: string | undefined, body: CreateTaskBody): Promise<TaskId> {
    return this.#serial(list, () =>
      this.#withDocs(list, author, body.id === undefined ? newTaskId() : asTaskId(body.id), async (docs) => {
        const listDoc = await docs.listDoc();
        if (listDoc.has(docs.task)) throw new ApiError(409, 'ERR_CONFLICT', `task ${docs.task} already exists in list ${list}`, '/id');
        const afterId = body.position === undefined ? undefined : this.#neighbour(listDoc, docs.task, body.position.after);
        const patch: TaskPatch = { title: body.title, ...(body.description === undefined ? {} : { description: body.description }), ...(body.completed === undefined ? {} : { completed: body.completed }) };
        await docs.writeTask((task) => task.initialise(patch, Date.now(), ORIGIN));
        await docs.writeList((listDoc) => {
          listDoc.add(docs.task, ORIGIN);
          if (afterId !== undefined) listDoc.move(docs.task, afterId, Date.now(), ORIGIN);
        });
        return docs.task;
      }),
    );
  }

  patch(list: string, author: string | undefined, task: string, body: PatchTaskBody): Promise<void> {
    return this.#serial(list, () =>
      this.#withDocs(list, author, asTaskId(task), async (docs) => {
        const entry = await docs.entry();
        if (body.position !== undefined && entry.deleted) throw new ApiError(409, 'ERR_CONFLICT', `task ${task} is in the trash: restore it before moving it`, '/position');
        const afterId = body.position === undefined ? undefined : this.#neighbour(await docs.listDoc(), docs.task, body.position.after);
        const { title, description, completed, pick } = body;
        if (pick !== undefined && body[pick.field] !== undefined) throw new ApiError(400, 'ERR_VALIDATION', `/pick: give either a new ${pick.field} or an alternative to pick, not both`, '/pick');
        if (title !== undefined || description !== undefined || completed !== undefined || pick !== undefined) {
          const patch: TaskPatch = { ...(title === undefined ? {} : { title }), ...(description === undefined ? {} : { description }), ...(completed === undefined ? {} : { completed }) };
          const now = Date.now();
          await docs.writeTask((taskDoc) => {
            // The pick is an edit like the app's `pickAlternative`: the shown text becomes the alternative's.
            if (pick !== undefined && !taskDoc.pickAlternative(pick.field, pick.alternative, { now, ...(author === undefined ? {} : { userId: author }) }, ORIGIN)) {
              throw new ApiError(409, 'ERR_UNKNOWN_ALTERNATIVE', `task ${task} has no alternative ${pick.alternative} of its ${pick.field} (any more)`, '/pick/alternative');
            }
            if (Object.keys(patch).length > 0) taskDoc.update(patch, now, ORIGIN);
          });
        }
        if (afterId !== undefined) await docs.writeList((listDoc) => listDoc.move(docs.task, afterId, Date.now(), ORIGIN));
      }),
    );
  }

  remove(list: string, author: string | undefined, task: string): Promise<void> {
    return this.#serial(list, () =>
      this.#withDocs(list, author, asTaskId(task), async (docs) => {
        if ((await docs.entry()).deleted) return;
        // What the deletion saw of the task: a change stored after it can then be named (an unseen completion).
        const saw = Y.encodeStateVector(await docs.taskDoc());
        await docs.writeList((listDoc) => listDoc.markDeleted(docs.task, author ?? '', Date.now(), ORIGIN, saw));
      }),
    );
  }

  restore(list: string, author: string | undefined, task: string): Promise<void> {
    return this.#serial(list, () =>
      this.#withDocs(list, author, asTaskId(task), async (docs) => {
        if (!(await docs.entry()).deleted) return;
        await docs.writeList((listDoc) => listDoc.restore(docs.task, Date.now(), ORIGIN));
      }),
    );
  }

  /** `after` checked: a live task other than the one moving (or null), else a 400 naming the field. */
  #neighbour(listDoc: ListDoc, task: TaskId, after: string | null): TaskId | null {
    if (after === null) return null;
    if (after === task || !listDoc.live().some((entry) => entry.id === after)) {
      throw new ApiError(400, 'ERR_VALIDATION', `/position/after: ${after} is not another live task of the list`, '/position/after');
    }
    return after as TaskId;
  }

  #serial<T>(list: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(list) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.#queues.set(list, tail);
    void tail.then(() => {
      if (this.#queues.get(list) === tail) this.#queues.delete(list);
    });
    return result;
  }

  #clientId(author: string | undefined): number {
    const key = author ?? '';
    let id = this.#clientIds.get(key);
    if (id === undefined) this.#clientIds.set(key, (id = new Y.Doc().clientID));
    return id;
  }

  async #withDocs<T>(list: string, author: string | undefined, task: TaskId, work: (docs: OpenDocs) => Promise<T>): Promise<T> {
    const member = new ApiMember(author);
    const joined: string[] = [];
    const open = async (doc: string): Promise<Y.Doc> => {
      const room = await this.engine.join(doc, member);
      joined.push(doc);
      const ydoc = new Y.Doc({ gc: true });
      ydoc.clientID = this.#clientId(author);
      keepClaims(ydoc);
      Y.applyUpdate(ydoc, room.diff(EMPTY_STATE_VECTOR));
      // The first write with this client id claims it for the token's user, as a client's first write does.
      if (author !== undefined) claimAuthorship(ydoc, author);
      return ydoc;
    };
    // The transaction's own update (not a diff against the state vector, which would carry the whole delete set).
    const write = async (doc: string, ydoc: Y.Doc, change: () => void): Promise<void> => {
      const updates: Uint8Array[] = [];
      const collect = (update: Uint8Array): void => void updates.push(update);
      ydoc.on('update', collect);
      try {
        change();
      } finally {
        ydoc.off('update', collect);
      }
      if (updates.length > 0) await this.engine.submitUpdate(doc, member, updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates));
    };
    const ydocs: Y.Doc[] = [];
    try {
      let listDoc: ListDoc | null = null;
      let taskY: Y.Doc | null = null;
      const docs: OpenDocs = {
        task,
        listDoc: async () => {
          if (listDoc === null) {
            const listY = await open(list);
            ydocs.push(listY);
            listDoc = new ListDoc(listY);
          }
          return listDoc;
        },
        entry: async () => {
          const found = await this.lookup(list, task);
          if (found === undefined) throw new ApiError(404, 'ERR_NOT_FOUND', `no task ${task} in list ${list}`);
          return found;
        },
        writeList: async (change) => {
          const target = await docs.listDoc();
          await write(list, target.doc, () => change(target));
        },
        taskDoc: async () => {
          if (taskY === null) ydocs.push((taskY = await open(`${list}/${task}`)));
          return taskY;
        },
        writeTask: async (change) => {
          const doc = await docs.taskDoc();
          await write(`${list}/${task}`, doc, () => change(new TaskDoc(doc)));
        },
      };
      return await work(docs);
    } finally {
      for (const ydoc of ydocs) ydoc.destroy();
      for (const doc of joined) this.engine.leave(doc, member);
    }
  }
}

interface OpenDocs {
  readonly task: TaskId;
  /** The list document as stored (opened once per request, only by the writes that need it). */
  listDoc(): Promise<ListDoc>;
  /** The task as the list shows it; a 404 when it has none. */
  entry(): Promise<{ readonly deleted: boolean }>;
  writeList(change: (list: ListDoc) => void): Promise<void>;
  /** The task's document as stored (opened once per request). */
  taskDoc(): Promise<Y.Doc>;
  writeTask(change: (task: TaskDoc) => void): Promise<void>;
}
