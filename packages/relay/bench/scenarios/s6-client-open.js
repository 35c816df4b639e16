// @ts-check
// S6 client only: open a task list from IndexedDB, with `fake-indexeddb` standing in for the browser's in Node, for
// both persistence adapters side by side: SingleDatabasePersistence (one database for every document) and
// IndexedDbPersistence (y-indexeddb, one database per document). No relay is involved; the figures sit in the
// Concord column because they are the Concord client's.
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Concord, IndexedDbPersistence, SingleDatabasePersistence } from '@concord/core';
import * as Y from 'yjs';
import { median } from '../lib/stats.js';

const FULL = { tasks: 1000, opens: 3, checkTasks: 100 };
const SMOKE = { tasks: 50, opens: 1, checkTasks: 20 };
const LIST = 's6-list';
const CHUNK = 100;

/** @type {Array<{ id: string, label: string, make: () => import('@concord/core').PersistenceAdapter }>} */
const ADAPTERS = [
  { id: 'single', label: 'SingleDatabasePersistence', make: () => new SingleDatabasePersistence() },
  { id: 'yidb', label: 'IndexedDbPersistence (y-indexeddb)', make: () => new IndexedDbPersistence() },
];

/**
 * A fresh, empty IndexedDB for the process: fake-indexeddb's globals, with a new factory so no run sees another's data.
 * Set here, not at import, so that no other scenario runs with an `indexedDB` global.
 */
async function freshIndexedDb() {
  const fake = await import('fake-indexeddb');
  const globals = Object.fromEntries(Object.entries(fake).filter(([name]) => name.startsWith('IDB')));
  Object.assign(globalThis, globals, { indexedDB: new fake.IDBFactory() });
}

/**
 * Every update of every document of a list, in order, as the core client makes them. Its `bind` subscribes before it
 * returns, so a task's first update (made by `create` while the binding is still pending) is recorded too.
 */
class Recorder {
  kind = 'recorder';
  /** @type {Map<string, Uint8Array[]>} */
  updates = new Map();
  on() {}
  off() {}
  /** Reads nothing ahead: the list is new. @param {string} _listId */
  prefetch(_listId) {
    return Promise.resolve({ documents: new Map(), release: () => {} });
  }
  /** @param {string} _listId */
  snapshotList(_listId) {
    return Promise.resolve();
  }
  flush() {
    return Promise.resolve();
  }
  /**
   * @param {string} name
   * @param {import('yjs').Doc} doc
   */
  bind(name, doc) {
    /** @type {Uint8Array[]} */
    const updates = [];
    this.updates.set(name, updates);
    const record = (/** @type {Uint8Array} */ update) => updates.push(update);
    doc.on('update', record);
    return Promise.resolve({
      name,
      getMeta: () => Promise.resolve(undefined),
      setMeta: () => Promise.resolve(),
      flush: () => Promise.resolve(),
      unbind: () => {
        doc.off('update', record);
        return Promise.resolve();
      },
    });
  }
  clear() {
    return Promise.resolve();
  }
  close() {
    return Promise.resolve();
  }
}

/**
 * Makes the list the way use does: each task created with a title, a description and a completed flag, then a few
 * small edits (title typed on, description amended, completed toggled), each its own update.
 * @param {import('@concord/core').PersistenceAdapter} persistence
 * @param {number} tasks
 */
async function makeList(persistence, tasks) {
  const concord = new Concord({ persistence, syncTabs: false });
  const list = await concord.openList(LIST);
  /** @type {import('@concord/core').TaskId[]} */
  const ids = [];
  for (let i = 0; i < tasks; i += CHUNK) {
    for (let j = i; j < Math.min(tasks, i + CHUNK); j++) ids.push(list.create({ title: `task ${j}`, description: `what task ${j} is about`, completed: false }));
    await nextTurn();
  }
  for (let i = 0; i < ids.length; i += CHUNK) {
    for (const [n, id] of ids.slice(i, i + CHUNK).entries()) {
      list.update(id, { title: `task ${i + n}!` });
      list.update(id, { description: `what task ${i + n} is about, and why` });
      list.update(id, { completed: (i + n) % 2 === 0 });
    }
    await nextTurn();
  }
  await list.flush();
  await concord.close();
}

/**
 * Stores the recorded updates through the adapter, one record per update as the client would have written them:
 * each document bound first, then its updates applied one by one.
 * @param {import('@concord/core').PersistenceAdapter} adapter
 * @param {Map<string, Uint8Array[]>} recorded
 */
async function store(adapter, recorded) {
  let n = 0;
  for (const [name, updates] of recorded) {
    const doc = new Y.Doc({ guid: name });
    await adapter.bind(name, doc);
    for (const update of updates) Y.applyUpdate(doc, update);
    if (++n % CHUNK === 0) await nextTurn();
  }
  await adapter.close();
}

/**
 * @param {() => import('@concord/core').PersistenceAdapter} make
 * @param {number} tasks
 * @returns {Promise<{ elapsed: number, loaded: number, complete: number }>} ms from openList until it resolved and until
 *   every document was applied (`documentsLoaded`), and how many tasks it held with all their content at both moments
 */
async function open(make, tasks) {
  const concord = new Concord({ persistence: make(), syncTabs: false });
  try {
    const started = performance.now();
    const list = await concord.openList(LIST);
    const shown = list.tasks();
    const elapsed = performance.now() - started;
    // Shown from a snapshot, the documents are applied after: until when, and do they hold what was shown?
    await list.documentsLoaded;
    const loaded = performance.now() - started;
    /** @param {readonly import('@concord/core').Task[]} all */
    const completeIn = (all) => (all.length === tasks ? all.filter((task) => task.title.endsWith('!') && task.description.endsWith('why')).length : 0);
    return { elapsed, loaded, complete: Math.min(completeIn(shown), completeIn(list.tasks())) };
  } finally {
    await concord.close();
  }
}

/** @type {import('./types.js').Scenario} */
export const s6 = {
  id: 'S6',
  title: 'client: open a task list from IndexedDB (fake-indexeddb)',
  // Client only: once, not once per relay.
  appliesTo: (target) => !target.peer,
  async run(_target, smoke) {
    const size = smoke ? SMOKE : FULL;
    /** @type {import('./types.js').Metric[]} */
    const metrics = [];
    /** @type {string[]} */
    const failures = [];
    // The list is made once by the core client and stored through each adapter record by record (see `store`).
    const recorder = new Recorder();
    await makeList(/** @type {import('@concord/core').PersistenceAdapter} */ (/** @type {unknown} */ (recorder)), size.tasks);
    for (const adapter of ADAPTERS) {
      await freshIndexedDb();
      await store(adapter.make(), recorder.updates);
      /** @type {number[]} */
      const times = [];
      /** @type {number[]} */
      const loadedTimes = [];
      for (let n = 0; n < size.opens; n++) {
        const { elapsed, loaded, complete } = await open(adapter.make, size.tasks);
        if (complete !== size.tasks) failures.push(`${adapter.label}: the list opened with ${complete} of ${size.tasks} tasks complete`);
        times.push(elapsed);
        loadedTimes.push(loaded);
      }
      metrics.push({
        key: `s6.open.${adapter.id}`,
        label: `S6: open ${size.tasks} tasks from IndexedDB, ${adapter.label} (client only)`,
        unit: 'ms',
        value: median(times),
        digits: 0,
      });
      metrics.push({
        key: `s6.loaded.${adapter.id}`,
        label: `S6: … until every document is applied (documentsLoaded), ${adapter.label} (client only)`,
        unit: 'ms',
        value: median(loadedTimes),
        digits: 0,
      });
    }
    // The same list made by the core client straight over each adapter, reopened: tasks whose content did not survive.
    for (const adapter of ADAPTERS) {
      await freshIndexedDb();
      await makeList(adapter.make(), size.checkTasks);
      const { complete } = await open(adapter.make, size.checkTasks);
      metrics.push({
        key: `s6.lost.${adapter.id}`,
        label: `S6: tasks created and edited through TaskList whose content a reopen lost (of ${size.checkTasks}), ${adapter.label}`,
        unit: 'tasks',
        value: size.checkTasks - complete,
        digits: 0,
      });
    }
    return { failures, metrics };
  },
};
