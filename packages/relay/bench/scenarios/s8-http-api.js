// @ts-check
// S8 the HTTP API on a 1,000-task list (Concord only): a core client seeds the list over WebSocket and leaves; then
// GETs of the whole list (the first one, which reads all 1,001 documents and starts the list's feed, apart), GETs
// answered 304 from their ETag, and PATCHes of task titles, each timed from request to full answer; the relay's heap
// after them (list view cached), and again once the relay's idle unload has dropped the documents and the view.
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import WebSocket from 'ws';
import { Concord, MemoryPersistence, WebSocketTransport } from '@concord/core';
import { percentile, sleep } from '../lib/stats.js';
import { startServer } from '../servers/targets.js';
import { seedTask } from './s5-list.js';

const FULL = { tasks: 1000, gets: 100, patches: 200, quietMs: 5_000 };
const SMOKE = { tasks: 50, gets: 5, patches: 10, quietMs: 300 };
const LIST = 's8-list';
/** Past the relay's default idle unload (5 s) with room for the unload itself. */
const IDLE_MS = 7_000;

/**
 * @param {string} base
 * @param {string} method
 * @param {string} path
 * @param {{ body?: unknown, headers?: Record<string, string> }} [options]
 */
async function timed(base, method, path, options = {}) {
  const started = performance.now();
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  /** @type {unknown} */
  const parsed = text === '' ? null : JSON.parse(text);
  const body = /** @type {{ tasks?: { id: string }[], title?: string } | null} */ (parsed);
  return { ms: performance.now() - started, status: response.status, etag: response.headers.get('etag'), body };
}

/** @param {number[]} values */
const p50 = (values) => percentile(values, 0.5);
/** @param {number[]} values */
const p99 = (values) => percentile(values, 0.99);

/** @type {import('./types.js').Scenario} */
export const s8 = {
  id: 'S8',
  title: 'the HTTP API on a 1,000-task list: GET, PATCH, relay heap',
  appliesTo: (target) => target.id === 'concord',
  async run(target, smoke) {
    const size = smoke ? SMOKE : FULL;
    const { server, url } = await startServer(target);
    const base = url.replace(/^ws/, 'http');
    /** @type {Concord | null} */
    let concord = null;
    try {
      const baseline = await server.heapUsed();
      const transport = new WebSocketTransport({ url, WebSocket: /** @type {never} */ (WebSocket), connectivity: null });
      concord = new Concord({ persistence: new MemoryPersistence(), transport, userId: 'seeder', syncTabs: false });
      const list = await concord.openList(LIST);
      for (let i = 0; i < size.tasks; i += 100) {
        for (let j = i; j < Math.min(size.tasks, i + 100); j++) list.create(seedTask(j));
        await nextTurn();
      }
      await list.flush();
      const deadline = Date.now() + 60_000;
      while (!(list.status.state === 'synced' && list.status.pendingChanges === 0) && Date.now() < deadline) await sleep(10);
      await concord.close();
      concord = null;
      await server.quiet(size.quietMs);

      /** @type {string[]} */
      const failures = [];
      const first = await timed(base, 'GET', `/api/lists/${LIST}`);
      if (first.status !== 200 || first.body?.tasks?.length !== size.tasks) failures.push(`the first GET answered ${first.status} with ${first.body?.tasks?.length} tasks (want ${size.tasks})`);
      const gets = [];
      const notModified = [];
      /** @type {string[]} */
      const ids = (first.body?.tasks ?? []).map((task) => task.id);
      for (let i = 0; i < size.gets; i++) {
        const answer = await timed(base, 'GET', `/api/lists/${LIST}`);
        if (answer.status !== 200) failures.push(`GET answered ${answer.status}`);
        gets.push(answer.ms);
        const cached = await timed(base, 'GET', `/api/lists/${LIST}`, { headers: { 'if-none-match': answer.etag ?? '' } });
        if (cached.status !== 304) failures.push(`GET with the ETag answered ${cached.status} (want 304)`);
        notModified.push(cached.ms);
      }
      const patches = [];
      for (let i = 0; i < size.patches; i++) {
        const id = ids[i % ids.length];
        const answer = await timed(base, 'PATCH', `/api/lists/${LIST}/tasks/${id}`, { body: { title: `renamed ${i}` } });
        if (answer.status !== 200 || answer.body?.title !== `renamed ${i}`) failures.push(`PATCH answered ${answer.status}`);
        patches.push(answer.ms);
      }
      const afterGets = [];
      for (let i = 0; i < size.gets; i++) afterGets.push((await timed(base, 'GET', `/api/lists/${LIST}`)).ms);
      const heapLoaded = await server.heapUsed();
      await sleep(IDLE_MS);
      const heapIdle = await server.heapUsed();
      return {
        failures: failures.slice(0, 5),
        metrics: [
          { key: 's8.firstGet', label: `S8: first GET of the ${size.tasks}-task list (reads every document, starts its feed)`, unit: 'ms', value: first.ms, digits: 0 },
          { key: 's8.get.p50', label: `S8: GET of the ${size.tasks}-task list, p50`, unit: 'ms', value: p50(gets), digits: 1 },
          { key: 's8.get.p99', label: 'S8: GET, p99', unit: 'ms', value: p99(gets), digits: 1 },
          { key: 's8.get304.p50', label: 'S8: GET with If-None-Match (304), p50', unit: 'ms', value: p50(notModified), digits: 1 },
          { key: 's8.patch.p50', label: 'S8: PATCH of a title (durable, derived), p50', unit: 'ms', value: p50(patches), digits: 1 },
          { key: 's8.patch.p99', label: 'S8: PATCH, p99', unit: 'ms', value: p99(patches), digits: 1 },
          { key: 's8.getAfterPatch.p50', label: 'S8: GET after the PATCHes (their documents loaded), p50', unit: 'ms', value: p50(afterGets), digits: 1 },
          { key: 's8.heap', label: 'S8: relay heap after them, over its heap before the list, after GC', unit: 'MiB', value: (heapLoaded - baseline) / 2 ** 20, digits: 1 },
          { key: 's8.heapIdle', label: `S8: the same ${IDLE_MS / 1000} s later (idle documents and view unloaded)`, unit: 'MiB', value: (heapIdle - baseline) / 2 ** 20, digits: 1 },
        ],
      };
    } finally {
      await concord?.close();
      await server.stop();
    }
  },
};
