// @ts-check
// One load process of S7 (forked by scenarios/s7-scale.js): it hosts the clients of whole documents, so an edit's send
// and its receipts share one clock, connects them a window at a time, sends its share of the update rate spread over
// its documents, and reports latencies, connect-and-sync times, its own CPU and its event-loop delay. A process may hold
// at most 20,000 open files on these machines, so S7's clients are spread over several of these.
import process from 'node:process';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { clearInterval, setInterval, setTimeout } from 'node:timers';
import { DeliveryLog } from './delivery.js';
import { LightClient } from './light-client.js';

/**
 * @typedef {{ type: 'connect', base: string, protocol: import('../servers/targets.js').Protocol, docs: string[], perDoc: number, editsPerClient: number, window: number }} ConnectRequest
 * @typedef {{ type: 'load', perSecond: number, durationMs: number, settleMs: number }} LoadRequest
 * @typedef {ConnectRequest | LoadRequest | { type: 'close' }} Request
 * @typedef {Awaited<ReturnType<typeof connect>>} ConnectedReply
 * @typedef {Awaited<ReturnType<typeof load>>} LoadedReply
 */

/** @type {LightClient[]} */
let clients = [];
/** @type {DeliveryLog | null} */
let log = null;
let perDoc = 0;

/** @param {ConnectRequest} request */
async function connect(request) {
  perDoc = request.perDoc;
  log = new DeliveryLog(request.editsPerClient, request.perDoc - 1);
  const deliveryLog = log;
  // Interleaved by document: consecutive edits (see load) then go to different documents.
  clients = [];
  for (let i = 0; i < request.perDoc; i++) {
    for (const docName of request.docs) clients.push(new LightClient({ base: request.base, protocol: request.protocol, docName, log: deliveryLog, deferApply: true }));
  }
  for (const client of clients) deliveryLog.register(client.clientID);
  const connectMs = new Float64Array(clients.length);
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < clients.length) {
      const index = next++;
      const client = /** @type {LightClient} */ (clients[index]);
      const begun = performance.now();
      await client.connect();
      connectMs[index] = performance.now() - begun;
    }
  };
  await Promise.all(Array.from({ length: Math.min(request.window, clients.length) }, lane));
  return { type: 'connected', connectMs, allMs: performance.now() - started };
}

/** @param {LoadRequest} request */
async function load(request) {
  const deliveryLog = /** @type {DeliveryLog} */ (log);
  const total = Math.round((request.perSecond * request.durationMs) / 1000);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let sent = 0;
  await new Promise((resolve) => {
    // Every 10 ms, the edits due by now: a steady rate rather than one burst per second.
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) * request.perSecond) / 1000));
      for (; sent < due; sent++) clients[sent % clients.length]?.edit();
      if (sent >= total) {
        clearInterval(timer);
        resolve(undefined);
      }
    }, 10);
  });
  const expected = sent * (perDoc - 1);
  const deadline = performance.now() + request.settleMs;
  while (deliveryLog.delivered < expected && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const cpu = process.cpuUsage(cpuBefore);
  const elapsedMs = performance.now() - started;
  delay.disable();
  const closed = clients.filter((client) => client.ws === null || client.ws.readyState !== client.ws.OPEN).length;
  return {
    type: 'loaded',
    sent,
    expected,
    delivered: deliveryLog.delivered,
    latencies: Float64Array.from(deliveryLog.latencies),
    closed,
    cpuShare: (cpu.user + cpu.system) / 1000 / elapsedMs,
    delayP99Ms: Math.max(0, delay.percentile(99) / 1e6 - 10),
    delayMaxMs: Math.max(0, delay.max / 1e6 - 10),
  };
}

process.on('message', (/** @type {Request} */ request) => {
  const work =
    request.type === 'connect'
      ? connect(request)
      : request.type === 'load'
        ? load(request)
        : Promise.all(clients.map((client) => client.close())).then(() => ({ type: 'closed' }));
  work.then(
    (reply) => process.send?.(reply),
    (error) => process.send?.({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
// A harness that died (or was interrupted) must not leave its load processes and their sockets behind.
process.on('disconnect', () => process.exit(0));
