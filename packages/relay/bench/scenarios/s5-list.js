// @ts-check
// S5 a task list over one connection, with the real core client (`@concord/core`) in the bench process: open and
// first sync of a large list into an empty client, catch-up after edits another client made to many tasks while this
// one was offline, the relay's heap with the list loaded, and how many connections the relay sees from the client.
// Hocuspocus also carries many documents over one socket (the document name comes first in every message), so it
// runs too, with a light multiplexing client (./s5-hocuspocus.js) doing what the core client does: the list document
// first, then every task it names, all on one socket.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { setImmediate as nextTurn } from 'node:timers/promises';
import WebSocket from 'ws';
import { Concord, MemoryPersistence, WebSocketTransport } from '@concord/core';
import { startServer } from '../servers/targets.js';

export const S5_FULL = { tasks: 1000, offlineEdits: 100, quietMs: 5_000 };
export const S5_SMOKE = { tasks: 50, offlineEdits: 10, quietMs: 300 };
const TIMEOUT_MS = 60_000;
const LIST = 's5-list';
/** Tasks created per event-loop turn by the seeding client, so its socket keeps reading acks. */
const CHUNK = 100;

/** @typedef {{ concord: Concord, transport: WebSocketTransport, list: import('@concord/core').TaskList, sockets: () => number }} Client */

/**
 * A core client over one WebSocketTransport with nothing stored locally (MemoryPersistence): every document comes
 * from the relay. Counts the WebSockets its transport constructs.
 * @param {string} url
 * @param {string} user
 * @param {boolean} [connect]
 * @returns {{ concord: Concord, transport: WebSocketTransport, sockets: () => number }}
 */
function client(url, user, connect = true) {
  let sockets = 0;
  class CountingWebSocket extends WebSocket {
    /**
     * @param {string} address
     * @param {string | string[]} [protocols]
     */
    constructor(address, protocols) {
      super(address, protocols);
      sockets++;
    }
  }
  const transport = new WebSocketTransport({ url, WebSocket: /** @type {never} */ (CountingWebSocket), connectivity: null, connect });
  const concord = new Concord({ persistence: new MemoryPersistence(), transport, userId: user, syncTabs: false });
  return { concord, transport, sockets: () => sockets };
}

/**
 * Resolves with the time `condition` first held, checked after every change and status event of the list (and on a
 * short timer, for changes that raise no event).
 * @param {import('@concord/core').TaskList} list
 * @param {() => boolean} condition
 * @param {string} what
 * @returns {Promise<number>}
 */
function until(list, condition, what) {
  if (condition()) return Promise.resolve(performance.now());
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!condition()) return;
      done();
      resolve(performance.now());
    };
    const done = () => {
      clearTimeout(timer);
      clearInterval(poll);
      list.off('change', check);
      list.off('status', check);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out after ${TIMEOUT_MS} ms waiting for ${what}`));
    }, TIMEOUT_MS);
    const poll = setInterval(check, 5);
    list.on('change', check);
    list.on('status', check);
  });
}

/** @param {import('@concord/core').TaskList} list */
const synced = (list) => list.status.state === 'synced' && list.status.pendingChanges === 0;

/**
 * Whether the list holds exactly these titles (the task documents arrived, not just the list's entries).
 * @param {import('@concord/core').TaskList} list
 * @param {Map<string, string>} titles
 */
function holds(list, titles) {
  const tasks = list.tasks();
  if (tasks.length !== titles.size) return false;
  return tasks.every((task) => titles.get(task.id) === task.title);
}

/**
 * Established TCP connections the server accepted on `port` (its local port), from /proc/net/tcp and tcp6.
 * @param {number} port
 */
export function acceptedConnections(port) {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let count = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address rem_address st: 01 is ESTABLISHED
      if (fields[1]?.endsWith(hex) && fields[3] === '01') count++;
    }
  }
  return count;
}

/**
 * The content every S5 run syncs: each task a title, a description and a completed flag.
 * @param {number} i
 */
export const seedTask = (i) => ({ title: `task ${i}`, description: `what task ${i} is about, in a sentence or so`, completed: i % 3 === 0 });

/** @type {import('./types.js').Scenario} */
export const s5 = {
  id: 'S5',
  title: 'a task list over one connection: open, first sync, catch-up',
  appliesTo: (target) => target.id === 'concord',
  async run(target, smoke) {
    const size = smoke ? S5_SMOKE : S5_FULL;
    const { server, url } = await startServer(target);
    const port = Number(new URL(url).port);
    /** @type {Array<{ concord: Concord }>} */
    const clients = [];
    /** @param {ReturnType<typeof client>} c */
    const track = (c) => {
      clients.push(c);
      return c;
    };
    try {
      const baseline = await server.heapUsed();

      // A seeding client creates the list, waits until the relay durably holds all of it, and leaves.
      const seeder = track(client(url, 'seeder'));
      const seeded = await seeder.concord.openList(LIST);
      /** @type {Map<string, string>} */
      const titles = new Map();
      for (let i = 0; i < size.tasks; i += CHUNK) {
        for (let j = i; j < Math.min(size.tasks, i + CHUNK); j++) titles.set(seeded.create(seedTask(j)), seedTask(j).title);
        await nextTurn();
      }
      await seeded.flush();
      await until(seeded, () => synced(seeded) && seeded.tasks().length === size.tasks, 'S5 seeding client synced');
      await seeder.concord.close();
      await server.quiet(size.quietMs);

      // (a) An empty client opens the list: from openList until it is synced and holds every task.
      const reader = track(client(url, 'reader'));
      const opened = performance.now();
      const list = await reader.concord.openList(LIST);
      const firstSyncMs = (await until(list, () => synced(list) && holds(list, titles), `S5 empty client to hold all ${size.tasks} tasks`)) - opened;
      // (c) and (d) with the list loaded and only this client connected.
      const loaded = await server.heapUsed();
      const relayConnections = acceptedConnections(port);
      const clientSockets = reader.sockets();

      // (b) The reader goes offline; another client edits one task each of offlineEdits tasks; the reader reconnects.
      reader.transport.disconnect();
      await until(list, () => list.status.state === 'offline', 'S5 reader offline');
      const editor = track(client(url, 'editor'));
      const editing = await editor.concord.openList(LIST);
      await until(editing, () => synced(editing) && holds(editing, titles), 'S5 editor to hold the list');
      const ids = [...titles.keys()];
      const step = Math.max(1, Math.floor(ids.length / size.offlineEdits));
      for (let n = 0; n < size.offlineEdits; n++) {
        const id = /** @type {string} */ (ids[(n * step) % ids.length]);
        const title = `edited ${n} while the reader was offline`;
        editing.update(/** @type {import('@concord/core').TaskId} */ (id), { title });
        titles.set(id, title);
      }
      await until(editing, () => synced(editing), 'S5 editor synced');
      await editor.concord.close();
      await server.quiet(size.quietMs);
      const reconnected = performance.now();
      reader.transport.connect();
      const catchUpMs = (await until(list, () => holds(list, titles), `S5 reader to hold the ${size.offlineEdits} edits`)) - reconnected;
      const catchUpSyncedMs = (await until(list, () => synced(list), 'S5 reader synced after reconnect')) - reconnected;

      /** @type {string[]} */
      const failures = [];
      if (relayConnections !== 1) failures.push(`the relay had ${relayConnections} connections open with one client holding the list (want 1)`);
      if (clientSockets !== 1) failures.push(`the client opened ${clientSockets} WebSockets to open one list (want 1)`);
      return { failures, metrics: metrics(size, { firstSyncMs, catchUpMs, catchUpSyncedMs, loaded, baseline, relayConnections, clientSockets }) };
    } finally {
      await Promise.allSettled(clients.map((c) => c.concord.close()));
      await server.stop();
    }
  },
};

/**
 * @param {typeof S5_FULL} size
 * @param {{ firstSyncMs: number, catchUpMs: number, catchUpSyncedMs: number | null, loaded: number, baseline: number, relayConnections: number, clientSockets: number }} m
 * @returns {import('./types.js').Metric[]}
 */
export function metrics(size, m) {
  const docs = size.tasks + 1;
  return [
    { key: 's5.firstSync', label: `S5: open + first sync of ${size.tasks} tasks into an empty client`, unit: 'ms', value: m.firstSyncMs, digits: 0 },
    { key: 's5.catchUp', label: `S5: catch-up, ${size.offlineEdits} edits over ${size.offlineEdits} tasks, reconnect → held`, unit: 'ms', value: m.catchUpMs, digits: 1 },
    { key: 's5.catchUpSynced', label: 'S5: catch-up, reconnect → status synced', unit: 'ms', value: m.catchUpSyncedMs, digits: 1 },
    { key: 's5.heap', label: `S5: relay heap with the list loaded (${docs} documents), after GC`, unit: 'MiB', value: (m.loaded - m.baseline) / 2 ** 20, digits: 1 },
    { key: 's5.heapPerDoc', label: 'S5: relay heap per loaded document', unit: 'KiB', value: (m.loaded - m.baseline) / docs / 1024, digits: 1 },
    { key: 's5.connections', label: 'S5: connections the relay holds from the client', unit: 'sockets', value: m.relayConnections, digits: 0 },
    { key: 's5.clientSockets', label: 'S5: WebSockets the client opened (open + first sync)', unit: 'sockets', value: m.clientSockets, digits: 0 },
  ];
}
