// @ts-check
// S7 many connections: N clients over N/10 documents, each on its own socket, 1,000 updates per second in total for
// 30 s (every update reaches the 9 other clients of its document). Clients live in worker processes
// (clients/scale-worker.js), whole documents per process, so that no process nears the 20,000 open files these machines
// allow and send and receipt of an update share a clock.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile } from '../lib/stats.js';
import { threadCpu, totalCpu } from '../lib/thread-cpu.js';
import { startServer } from '../servers/targets.js';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), '../clients/scale-worker.js');
const PER_DOC = 10;
const FULL = { perSecond: 1000, durationMs: 30_000, settleMs: 15_000 };
const SMOKE = { perSecond: 200, durationMs: 2_000, settleMs: 10_000 };
/** Clients per load process at most; with their documents whole, a process holds a little more. */
const CLIENTS_PER_WORKER = 5_000;
/** Connections each load process opens at once. */
const CONNECT_WINDOW = 100;

/** @type {number[]} client counts of a full run; `--s7-clients` replaces them */
let sizes = [1000];
const SMOKE_SIZES = [100];

/**
 * How long (ms) the relay's CPU is read with every client connected and none writing, before the load; 0: not read.
 * The heartbeat is the only traffic then, and a relay may ping its clients in a burst once per period (the y-websocket
 * server pings each connection 30 s after it opened): a window shorter than the period compares bursts with nothing.
 */
let quietMs = 0;

/** @param {number[]} clientCounts */
export function setS7Sizes(clientCounts) {
  sizes = clientCounts;
}

/** @param {number} ms */
export function setS7QuietMs(ms) {
  quietMs = ms;
}

/**
 * A forked load process, answering one request at a time.
 * @param {number} index
 */
function startWorker(index) {
  const child = fork(WORKER, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  /** @type {(request: import('../clients/scale-worker.js').Request) => Promise<unknown>} */
  const ask = (request) =>
    new Promise((resolve, reject) => {
      const onMessage = (/** @type {{ type: string, message?: string }} */ reply) => {
        cleanup();
        if (reply.type === 'error') reject(new Error(`load process ${index}: ${reply.message}`));
        else resolve(reply);
      };
      const onExit = () => {
        cleanup();
        reject(new Error(`load process ${index} exited`));
      };
      const cleanup = () => {
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(request);
    });
  return { child, ask };
}

/** @param {Float64Array[]} arrays */
function concat(arrays) {
  const all = new Float64Array(arrays.reduce((sum, a) => sum + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    all.set(a, offset);
    offset += a.length;
  }
  return all;
}

/**
 * Concord's event-loop pauses by cause, read from its /metrics (a note in the report): per cause, how many, their mean,
 * how many reached 50 ms, and the bucket the longest fell in.
 * @param {string} url
 */
async function concordPauses(url) {
  const text = await (await fetch(`${url.replace(/^ws/, 'http')}/metrics`)).text();
  /** @type {Map<string, { le: number, count: number }[]>} */
  const buckets = new Map();
  for (const m of text.matchAll(/^concord_relay_event_loop_pause_seconds_bucket\{le="([^"]+)",cause="([^"]+)"\} (\d+)/gm)) {
    const cause = m[2] ?? '';
    buckets.set(cause, [...(buckets.get(cause) ?? []), { le: m[1] === '+Inf' ? Infinity : Number(m[1]), count: Number(m[3]) }]);
  }
  const sums = new Map([...text.matchAll(/^concord_relay_event_loop_pause_seconds_sum\{cause="([^"]+)"\} ([\d.e+-]+)/gm)].map((m) => [m[1], Number(m[2])]));
  const lines = [];
  let total = 0;
  for (const [cause, list] of buckets) {
    const count = list.at(-1)?.count ?? 0;
    if (count === 0) continue;
    total += count;
    const under50 = list.find((b) => b.le === 0.05)?.count ?? 0;
    const longest = list.find((b) => b.count === count)?.le ?? Infinity;
    const mean = ((sums.get(cause) ?? 0) * 1000) / count;
    lines.push(`${cause} ${count} (mean ${mean.toFixed(1)} ms, ${count - under50} ≥ 50 ms, longest ≤ ${longest === Infinity ? '∞' : `${longest * 1000} ms`})`);
  }
  return total === 0 ? 'no pause of 5 ms or more' : `${total} pauses ≥ 5 ms: ${lines.join('; ')}`;
}

/**
 * @param {import('../servers/targets.js').Target} target
 * @param {number} clientCount
 * @param {typeof FULL} load
 * @returns {Promise<import('./types.js').Outcome>}
 */
async function scale(target, clientCount, load) {
  const { server, url } = await startServer(target);
  const docCount = Math.max(1, Math.round(clientCount / PER_DOC));
  const workerCount = Math.max(1, Math.ceil(clientCount / CLIENTS_PER_WORKER));
  const workers = Array.from({ length: workerCount }, (_, i) => startWorker(i));
  const n = clientCount;
  try {
    const rssBefore = server.rssBytes();
    const heapBefore = await server.heapUsed();
    const docsOf = workers.map((_, w) => Array.from({ length: docCount }, (_, d) => d).filter((d) => d % workerCount === w).map((d) => `s7-${d}`));
    const editsPerClient = Math.ceil((load.perSecond * load.durationMs) / 1000 / (docCount * PER_DOC)) + 1;
    const connected = /** @type {import('../clients/scale-worker.js').ConnectedReply[]} */ (
      await Promise.all(
        workers.map((worker, w) =>
          worker.ask({ type: 'connect', base: url, protocol: target.protocol, docs: docsOf[w] ?? [], perDoc: PER_DOC, editsPerClient, window: CONNECT_WINDOW }),
        ),
      )
    );
    const connectMs = concat(connected.map((c) => c.connectMs));
    const allConnectedMs = Math.max(...connected.map((c) => c.allMs));
    await server.quiet(5_000);
    /** @type {import('./types.js').Metric[]} */
    const quiet = [];
    if (quietMs > 0) {
      // From the scheduler's account (nanoseconds): the process's utime and stime come in 10 ms clock ticks.
      const pid = /** @type {number} */ (server.child.pid);
      const from = totalCpu(threadCpu(pid));
      await sleep(quietMs);
      const value = (totalCpu(threadCpu(pid)) - from) / quietMs;
      quiet.push({ key: `s7.${n}.quietCpu`, label: `S7 ${n} clients: server CPU with every client connected and quiet (${quietMs / 1000} s)`, unit: 'ms/s', value, digits: 2 });
    }
    const cpuBefore = server.cpuMicros();
    const loaded = /** @type {import('../clients/scale-worker.js').LoadedReply[]} */ (
      await Promise.all(
        workers.map((worker, w) => worker.ask({ type: 'load', perSecond: (load.perSecond * (docsOf[w]?.length ?? 0)) / docCount, durationMs: load.durationMs, settleMs: load.settleMs })),
      )
    );
    const cpu = server.cpuMicros() - cpuBefore;
    const rss = server.rssBytes();
    const notes = target.id === 'concord' ? [`S7 ${n} clients, Concord's event loop from start to the end of the load: ${await concordPauses(url)}`] : [];
    const heap = await server.heapUsed();
    const latencies = concat(loaded.map((l) => l.latencies));
    const delivered = loaded.reduce((s, l) => s + l.delivered, 0);
    const expected = loaded.reduce((s, l) => s + l.expected, 0);
    const closed = loaded.reduce((s, l) => s + l.closed, 0);
    const failures = [];
    if (delivered < expected) failures.push(`S7 ${n}: ${expected - delivered} of ${expected} deliveries missing`);
    if (closed > 0) failures.push(`S7 ${n}: ${closed} clients' sockets closed during the run`);
    const latency = (/** @type {number} */ p) => percentile(/** @type {number[]} */ (/** @type {unknown} */ (latencies)), p);
    const label = (/** @type {string} */ what) => `S7 ${n} clients: ${what}`;
    const key = (/** @type {string} */ what) => `s7.${n}.${what}`;
    return {
      failures,
      notes,
      metrics: [
        { key: key('p50'), label: label('latency p50'), unit: 'ms', value: latency(0.5), digits: 2 },
        { key: key('p99'), label: label('latency p99'), unit: 'ms', value: latency(0.99), digits: 2 },
        { key: key('p999'), label: label('latency p99.9'), unit: 'ms', value: latency(0.999), digits: 1 },
        { key: key('max'), label: label('latency max'), unit: 'ms', value: latency(1), digits: 1 },
        { key: key('cpu'), label: label('server CPU per delivered update'), unit: 'µs', value: delivered > 0 ? cpu / delivered : null, digits: 2 },
        ...quiet,
        { key: key('rss'), label: label('server RSS with every client connected'), unit: 'MiB', value: rss / 2 ** 20, digits: 0 },
        { key: key('rssPerClient'), label: label('server RSS per client (growth from the idle server)'), unit: 'KiB', value: (rss - rssBefore) / 1024 / n, digits: 1 },
        { key: key('heapPerClient'), label: label('server heap per client (after full GC)'), unit: 'KiB', value: (heap - heapBefore) / 1024 / n, digits: 1 },
        { key: key('connectP50'), label: label(`connect-and-sync p50 (${CONNECT_WINDOW} at a time per load process)`), unit: 'ms', value: percentile(/** @type {number[]} */ (/** @type {unknown} */ (connectMs)), 0.5), digits: 1 },
        { key: key('connectP99'), label: label('connect-and-sync p99'), unit: 'ms', value: percentile(/** @type {number[]} */ (/** @type {unknown} */ (connectMs)), 0.99), digits: 1 },
        { key: key('connectAll'), label: label('every client connected and synced'), unit: 'ms', value: allConnectedMs, digits: 0 },
        { key: key('clientCpu'), label: label(`busiest load process's CPU (of ${workerCount}), share of one core`), unit: '%', value: Math.max(...loaded.map((l) => l.cpuShare)) * 100, digits: 0 },
        { key: key('clientDelay'), label: label("load processes' event-loop delay p99 (worst process)"), unit: 'ms', value: Math.max(...loaded.map((l) => l.delayP99Ms)), digits: 1 },
        { key: key('clientDelayMax'), label: label("load processes' event-loop delay max"), unit: 'ms', value: Math.max(...loaded.map((l) => l.delayMaxMs)), digits: 1 },
      ],
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.ask({ type: 'close' }).catch(() => undefined)));
    for (const worker of workers) worker.child.kill();
    await server.stop();
  }
}

/** @type {import('./types.js').Scenario} */
export const s7 = {
  id: 'S7',
  title: 'many connections: N clients over N/10 documents, 1,000 updates/s in total',
  appliesTo: () => true,
  // Connecting 19,000 clients one window at a time takes a minute or more on 2 cores, before the 30 s of load.
  timeoutMs: () => 60_000 + sizes.length * 300_000,
  async run(target, smoke) {
    /** @type {import('./types.js').Outcome} */
    const outcome = { metrics: [], failures: [], notes: [] };
    for (const clientCount of smoke ? SMOKE_SIZES : sizes) {
      const one = await scale(target, clientCount, smoke ? SMOKE : FULL);
      outcome.metrics.push(...one.metrics);
      outcome.failures.push(...one.failures);
      outcome.notes?.push(...(one.notes ?? []));
    }
    return outcome;
  },
};
