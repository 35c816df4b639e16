// @ts-check
// Over 300 lines: every measurement the benchmark makes inside the page, one method of `globalThis.bench` each.
// The in-page half of the storage benchmark (see ../run.js): bundled by Vite, driven by Playwright through
// `globalThis.bench`. The adapter comes from the URL: `?adapter=single` (SingleDatabasePersistence) or `?adapter=y-indexeddb`.
import { Concord, defineSchema, IndexedDbPersistence, SingleDatabasePersistence } from '@concord/core';
import * as Y from 'yjs';
import { breakdown } from './breakdown.js';

/** @typedef {import('./bench-api.js').BenchApi} BenchApi */
/** @typedef {import('./bench-api.js').StorageFigures} StorageFigures */
/** @typedef {import('./bench-api.js').OpenProfile} OpenProfile */

const LIST = 'bench';
const adapter = new URLSearchParams(location.search).get('adapter') ?? 'single';
/** `?fields=1`: tasks carry five declared fields as well (core's `schema`), to measure what they cost. */
const withFields = new URLSearchParams(location.search).get('fields') === '1';
const schema = defineSchema({
  fields: {
    due: { type: 'date' },
    assignee: { type: 'user' },
    tags: { type: 'set' },
    priority: { type: 'enum', values: ['low', 'medium', 'high'] },
    estimate: { type: 'number' },
  },
});

/** The five fields of task `i`, and their own content in bytes (UTF-8 strings, 8 per number). */
function fieldsOf(/** @type {number} */ i) {
  const values = { due: `2026-12-${String(1 + (i % 28)).padStart(2, '0')}`, assignee: `user${i % 7}`, tags: ['home', `t${i % 5}`], priority: ['low', 'medium', 'high'][i % 3] ?? 'low', estimate: i % 13 };
  const content = [values.due, values.assignee, ...values.tags, values.priority].reduce((sum, text) => sum + new TextEncoder().encode(text).byteLength, 8);
  return { values, content };
}

/** @type {Concord | null} */
let concord = null;
/** @type {import('@concord/core').TaskList | null} */
let list = null;

function newConcord() {
  const persistence = adapter === 'y-indexeddb' ? new IndexedDbPersistence() : new SingleDatabasePersistence();
  return new Concord({ persistence, syncTabs: true, userId: 'bench', ...(withFields && { schema }) });
}

function requireList() {
  if (!list) throw new Error('open the list first');
  return list;
}

/** Opens the app's database on a connection of its own (the adapter keeps its connection private). */
function openOwnConnection() {
  return /** @type {Promise<IDBDatabase>} */ (new Promise((resolve, reject) => {
    const request = indexedDB.open('concord');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('open failed'));
  }));
}

/** What the list holds in the database: its snapshot's bytes as one record, and each record of updates stored since. */
async function countStored(/** @type {IDBDatabase} */ db, /** @type {string} */ listId) {
  const stores = ['snapshots', 'updates'].filter((name) => db.objectStoreNames.contains(name));
  if (stores.length < 2) return { records: 0, bytes: 0 };
  const transaction = db.transaction(stores, 'readonly');
  const read = (/** @type {IDBRequest} */ request) =>
    /** @type {Promise<unknown>} */ (
      new Promise((resolve, reject) => {
        request.onsuccess = () => resolve(/** @type {unknown} */ (request.result));
        request.onerror = () => reject(request.error ?? new Error('read failed'));
      })
    );
  const snapshot = /** @type {{ data?: Uint8Array } | undefined} */ (await read(transaction.objectStore('snapshots').get(listId)));
  const range = IDBKeyRange.bound(listId, `${listId}/\uffff`);
  const records = /** @type {Array<{ update: Uint8Array }>} */ (await read(transaction.objectStore('updates').index('by-doc').getAll(range)));
  return {
    records: (snapshot ? 1 : 0) + records.length,
    bytes: (snapshot?.data?.byteLength ?? 0) + records.reduce((sum, record) => sum + record.update.byteLength, 0),
  };
}

/**
 * SingleDatabasePersistence with timers around its steps (the profile of an open). `openDb` is timed on a connection
 * of the bench's own, opened first; `getAll` is the rest of the prefetch (the adapter's connection then opens warm).
 */
class TimedSinglePersistence extends SingleDatabasePersistence {
  timings = { openDb: 0, getAll: 0, apply: 0, binds: 0, slowBinds: 0, records: 0, bytes: 0 };

  /** @override @param {string} listId */
  async prefetch(listId) {
    let started = performance.now();
    const own = await openOwnConnection();
    this.timings.openDb += performance.now() - started;
    started = performance.now();
    const prefetched = await super.prefetch(listId);
    this.timings.getAll += performance.now() - started;
    const stored = await countStored(own, listId);
    own.close();
    this.timings.records += stored.records;
    this.timings.bytes += stored.bytes;
    return prefetched;
  }

  /** @override @param {string} name @param {Y.Doc} doc @param {import('@concord/core').BindOptions} [options] */
  async bind(name, doc, options) {
    const started = performance.now();
    const bound = await super.bind(name, doc, options);
    // Records of a prefetched list are applied without another read, so this is the apply (plus a microtask or two).
    this.timings.apply += performance.now() - started;
    this.timings.binds++;
    return bound;
  }
}

/** Shared clock across the tabs of one browser: epoch milliseconds with sub-millisecond resolution. */
const clock = () => performance.timeOrigin + performance.now();
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @type {number[]} */
const arrivals = [];

/** @type {BenchApi} */
const bench = {
  adapter,

  // A title, a description and a completion (plus createdAt/updatedAt), then five small edits, each its own update.
  async seed(tasks) {
    const started = performance.now();
    const c = newConcord();
    const l = await c.openList(LIST);
    let content = 0;
    for (let i = 0; i < tasks; i++) {
      const fields = withFields ? fieldsOf(i) : { values: {}, content: 0 };
      content += fields.content;
      const id = l.create(/** @type {never} */ ({ title: `Task ${i}`, description: `Description of task ${i}`, completed: false, ...fields.values }));
      l.update(id, { title: `Task ${i}!` });
      l.update(id, { description: `Description of task ${i}, edited` });
      l.update(id, { completed: true });
      l.update(id, { title: `Task ${i}!!` });
      l.update(id, { completed: false });
      // Let each batch of tasks bind and write before the next (as a person would create them).
      if (i % 50 === 49) await sleep(0);
    }
    await l.flush();
    const ms = performance.now() - started;
    // Each task document's encoded state: what a task costs, with the fields and without.
    let encoded = 0;
    for (const task of l.tasks()) encoded += Y.encodeStateAsUpdate(/** @type {Y.Doc} */ (l.text(task.id, 'title').doc)).byteLength;
    await c.close();
    return { ms, bytesPerTask: encoded / tasks, fieldContentPerTask: content / tasks };
  },

  async open(tasks) {
    const started = performance.now();
    concord = newConcord();
    list = await concord.openList(LIST);
    // Bounded: the stored tasks are in place once openList resolves; allow a few turns for late ones.
    for (let turn = 0; list.tasks().length < tasks && turn < 1_000; turn++) await sleep(0);
    const ms = performance.now() - started;
    if (list.tasks().length < tasks) throw new Error(`opened ${list.tasks().length} of ${tasks} tasks`);
    const titled = list.tasks().filter((task) => task.title !== '').length;
    // Shown from a snapshot, the documents are applied in the background: until when?
    await list.documentsLoaded;
    return { ms, titled, loadedMs: performance.now() - started };
  },

  async edits(count) {
    const l = requireList();
    const ids = l.tasks().map((task) => task.id);
    /** @type {number[]} */
    const times = [];
    for (let i = 0; i < count; i++) {
      const id = ids[(i * 7) % ids.length];
      if (!id) throw new Error('no tasks');
      const started = performance.now();
      l.update(id, { title: `Edit ${i}` });
      await l.flush();
      times.push(performance.now() - started);
    }
    return times;
  },

  // Tab B: record when each ping arrives (shared clock) and answer at once with a pong on another task.
  listen() {
    const l = requireList();
    const [pingTask, pongTask] = l.tasks();
    if (!pingTask || !pongTask) throw new Error('need two tasks');
    let last = '';
    l.on('change', (tasks) => {
      const title = tasks.find((task) => task.id === pingTask.id)?.title ?? '';
      if (title === last || !title.startsWith('ping ')) return;
      last = title;
      arrivals[Number(title.slice(5))] = clock();
      l.update(pongTask.id, { title: `pong ${title.slice(5)}` });
    });
  },

  // Tab A: edit, note the send time, and wait (bounded) for tab B's pong before the next edit.
  async ping(count, gapMs) {
    const l = requireList();
    const [pingTask, pongTask] = l.tasks();
    if (!pingTask || !pongTask) throw new Error('need two tasks');
    /** @type {number[]} */
    const sent = [];
    /** @type {number[]} */
    const rtt = [];
    for (let i = 0; i < count; i++) {
      /** @type {(value: number) => void} */
      let answered = () => undefined;
      /** @type {Promise<number>} */
      const pong = new Promise((resolve) => (answered = resolve));
      const onChange = (/** @type {readonly import('@concord/core').Task[]} */ tasks) => {
        if (tasks.find((task) => task.id === pongTask.id)?.title === `pong ${i}`) answered(clock());
      };
      l.on('change', onChange);
      const at = clock();
      sent[i] = at;
      l.update(pingTask.id, { title: `ping ${i}` });
      const back = await Promise.race([pong, sleep(2_000).then(() => NaN)]);
      l.off('change', onChange);
      rtt[i] = back - at;
      await sleep(gapMs);
    }
    return { sent, rtt };
  },

  arrivals: () => arrivals,

  // Many small edits, each persisted in its own turn, then the idle merge (2 s without writes) and its writes.
  async bulkEdits(count) {
    const l = requireList();
    const ids = l.tasks().map((task) => task.id);
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const id = ids[i % ids.length];
      if (!id) throw new Error('no tasks');
      if (i % 3 === 2) l.update(id, { completed: i % 2 === 0 });
      else l.update(id, { title: `Task ${i % ids.length} v${i}` });
      if (i % 10 === 9) await l.flush();
    }
    await l.flush();
    const ms = performance.now() - started;
    // What the idle merge costs the page: the list's snapshot, taken here rather than waiting for it.
    const snapshotStarted = performance.now();
    await concord?.persistence.snapshotList(LIST);
    const snapshotMs = performance.now() - snapshotStarted;
    await sleep(3_000);
    await l.flush();
    return { ms, snapshotMs };
  },

  async storage() {
    const databases = (await indexedDB.databases()).length;
    const { usage = 0 } = await navigator.storage.estimate();
    /** @type {StorageFigures} */
    const figures = { databases, usage, recordBytes: null, records: null, encodedBytes: null, documents: null };
    if (adapter !== 'single') return figures;
    /** @type {IDBDatabase} */
    const idb = await new Promise((resolve, reject) => {
      const request = indexedDB.open('concord');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('open failed'));
    });
    /** @type {(store: string) => Promise<unknown[]>} */
    const readAll = (store) =>
      new Promise((resolve, reject) => {
        const request = idb.transaction(store, 'readonly').objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error ?? new Error('getAll failed'));
      });
    const records = /** @type {{ doc: string, update: Uint8Array }[]} */ (await readAll('updates'));
    // One record per list snapshot: every document's state, its metadata and its view.
    const snapshots = /** @type {{ header: string, data: Uint8Array }[]} */ (idb.objectStoreNames.contains('snapshots') ? await readAll('snapshots') : []);
    idb.close();
    let recordBytes = 0;
    /** What the stored bytes are: documents' structs by kind (below), snapshot views and metadata by key. */
    /** @type {Map<string, number>} */
    const kinds = new Map();
    const add = (/** @type {string} */ kind, /** @type {number} */ bytes) => kinds.set(kind, (kinds.get(kind) ?? 0) + bytes);
    for (const record of records) recordBytes += record.update.byteLength;
    add('update records (not yet in a snapshot)', recordBytes);
    // A snapshot's header (names, views, lengths) is a string: counted as UTF-8 bytes.
    for (const snapshot of snapshots) {
      const headerBytes = new TextEncoder().encode(snapshot.header).byteLength;
      recordBytes += snapshot.data.byteLength + headerBytes;
      let views = 0;
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- the JSDoc cast of a parsed header is not seen by the type-aware lint
      const items = /** @type {Array<[string, unknown, number, Array<[string, number]>]>} */ (/** @type {unknown} */ (JSON.parse(snapshot.header)));
      for (const [, view, , meta] of items) {
        views += new TextEncoder().encode(JSON.stringify(view)).byteLength;
        for (const [key, length] of meta) add(`snapshot meta: ${key}`, length);
      }
      add('snapshot header: views', views);
      add('snapshot header: names, lengths', headerBytes - views);
    }
    // The encoded size of the list's documents (the list and every task, live and in the trash), opened for the count.
    const reader = newConcord();
    const l = await reader.openList(LIST);
    /** @type {Map<string, number>} */
    const listKinds = new Map();
    let encodedBytes = breakdown(l.doc, listKinds);
    for (const [kind, bytes] of listKinds) add(`list doc: ${kind}`, bytes);
    const tasks = [...l.tasks(), ...l.trash()];
    /** @type {Map<string, number>} */
    const taskKinds = new Map();
    for (const task of tasks) {
      const doc = l.text(task.id, 'title').doc;
      if (doc) encodedBytes += breakdown(doc, taskKinds);
    }
    for (const [kind, bytes] of taskKinds) add(`task docs: ${kind}`, bytes);
    await reader.close();
    const byKind = Object.fromEntries([...kinds].sort((a, b) => b[1] - a[1]));
    return { ...figures, recordBytes, records: records.length + snapshots.length, encodedBytes, documents: tasks.length + 1, byKind };
  },

  async profileOpen(tasks) {
    const persistence = new TimedSinglePersistence();
    const started = performance.now();
    concord = new Concord({ persistence, syncTabs: true, userId: 'bench' });
    list = await concord.openList(LIST);
    const snapshotStarted = performance.now();
    const shown = list.tasks().length;
    const snapshot = performance.now() - snapshotStarted;
    const total = performance.now() - started;
    if (shown < tasks) throw new Error(`opened ${shown} of ${tasks} tasks`);
    return { total, snapshot, ...persistence.timings };
  },

  // A bare write transaction of one small record in the app's database, default vs relaxed durability, and what
  // list.flush() costs with nothing to write.
  async profileWrites(count) {
    const db = /** @type {IDBDatabase} */ (
      await new Promise((resolve, reject) => {
        const request = indexedDB.open('concord');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error ?? new Error('open failed'));
      })
    );
    /** @param {IDBTransactionOptions} options */
    const write = async (options) => {
      /** @type {number[]} */
      const times = [];
      for (let i = 0; i < count; i++) {
        const started = performance.now();
        const transaction = db.transaction('meta', 'readwrite', options);
        transaction.objectStore('meta').put(new Uint8Array(40), ['__bench__', String(i)]);
        await new Promise((resolve, reject) => {
          transaction.oncomplete = resolve;
          transaction.onabort = () => reject(transaction.error ?? new Error('aborted'));
        });
        times.push(performance.now() - started);
      }
      return times.sort((a, b) => a - b)[times.length >> 1] ?? NaN;
    };
    const strict = await write({ durability: 'default' });
    const relaxed = await write({ durability: 'relaxed' });
    const cleanup = db.transaction('meta', 'readwrite');
    cleanup.objectStore('meta').delete(IDBKeyRange.bound(['__bench__'], ['__bench__', []]));
    await new Promise((resolve) => (cleanup.oncomplete = resolve));
    db.close();
    /** @type {number[]} */
    const flushes = [];
    const l = requireList();
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await l.flush();
      flushes.push(performance.now() - started);
    }
    return { strict, relaxed, flushOnly: flushes.sort((a, b) => a - b)[flushes.length >> 1] ?? NaN };
  },

  async close() {
    await concord?.close();
    concord = null;
    list = null;
  },
};

Reflect.set(globalThis, 'bench', bench);
