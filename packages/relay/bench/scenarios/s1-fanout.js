// @ts-check
// S1 fan-out: one document, every client edits, every client receives every other client's edits. Burst sends all
// edits at once; paced sends each client's edits at a steady rate. Server CPU is read only around the edit phase.
import { clearInterval, setInterval, setTimeout } from 'node:timers';
import { performance } from 'node:perf_hooks';
import { DeliveryLog } from '../clients/delivery.js';
import { LightClient } from '../clients/light-client.js';
import { SHAPES, SHAPE_LABEL } from '../clients/shapes.js';
import { median, percentile } from '../lib/stats.js';
import { startServer } from '../servers/targets.js';
import { checkConvergence } from './convergence.js';

/**
 * Paced runs `pacedSamples` times per run, each against a fresh relay process, and keeps the median of each figure: its
 * CPU per delivery differed by ±15 % from one process to the next, more than the gap between the relays it compares.
 */
const FULL = { clients: 20, edits: 200, perSecond: 20, pacedSamples: 3 };
const SMOKE = { clients: 3, edits: 10, perSecond: 50, pacedSamples: 1 };
const DELIVERY_TIMEOUT_MS = 60_000;

/**
 * As fast as the relay lets the clients go: each client sends its next edit the moment its previous one has reached
 * every other client, so all clients keep one edit in flight each. An open loop (all edits queued at once) would
 * measure the length of the queue it builds, not the relay.
 * @param {LightClient[]} clients
 * @param {number} edits
 * @param {DeliveryLog} log
 */
function burst(clients, edits, log) {
  return Promise.all(
    clients.map(
      (client) =>
        new Promise((resolve) => {
          let made = 0;
          const next = () => {
            if (made === edits) {
              resolve(undefined);
              return;
            }
            made++;
            client.edit();
          };
          log.onEverywhere.set(client.clientID, next);
          next();
        }),
    ),
  );
}

/**
 * Each client makes `edits` edits at `perSecond`, the clients spread over one period.
 * @param {LightClient[]} clients
 * @param {number} edits
 * @param {number} perSecond
 */
export function paced(clients, edits, perSecond) {
  const period = 1000 / perSecond;
  return Promise.all(
    clients.map(
      (client, index) =>
        new Promise((resolve) => {
          let made = 0;
          // Spread the clients over one period so the server sees a steady stream, not 20-message spikes.
          setTimeout(() => {
            const timer = setInterval(() => {
              client.edit();
              if (++made >= edits) {
                clearInterval(timer);
                resolve(undefined);
              }
            }, period);
          }, (index * period) / clients.length);
        }),
    ),
  );
}

/**
 * `delete`: every client types the characters it will delete, and every client holds all of them before the clock starts.
 * @param {LightClient[]} clients
 * @param {number} edits
 */
export async function seedEverywhere(clients, edits) {
  for (const client of clients) client.seed(edits);
  await Promise.all(
    clients.map((client) =>
      client.until(
        () => {
          client.flush();
          return clients.every((other) => client.held(other.clientID) >= edits);
        },
        DELIVERY_TIMEOUT_MS,
        'S1 seeded text everywhere',
      ),
    ),
  );
}

/**
 * @param {import('../servers/targets.js').Target} target
 * @param {'burst' | 'paced'} mode
 * @param {typeof FULL} size
 * @param {import('../clients/shapes.js').Shape} shape
 * @returns {Promise<import('./types.js').Outcome>}
 */
async function fanout(target, mode, size, shape) {
  const { server, url } = await startServer(target);
  const log = new DeliveryLog(size.edits, size.clients - 1, shape === 'delete');
  const clients = Array.from(
    { length: size.clients },
    () => new LightClient({ base: url, protocol: target.protocol, docName: `s1-${mode}`, log, deferApply: true, shape }),
  );
  try {
    for (const client of clients) log.register(client.clientID);
    await Promise.all(clients.map((client) => client.connect()));
    if (shape === 'delete') await seedEverywhere(clients, size.edits);
    const perReceiver = size.edits * (size.clients - 1);
    const cpuBefore = server.cpuMicros();
    const started = performance.now();
    const allDelivered = Promise.all(
      clients.map((client) =>
        client.until(() => log.deliveredCount(client) >= perReceiver, DELIVERY_TIMEOUT_MS + (size.edits / size.perSecond) * 1000, `S1 ${mode} deliveries`),
      ),
    );
    await (mode === 'burst' ? burst(clients, size.edits, log) : paced(clients, size.edits, size.perSecond));
    await allDelivered;
    const seconds = (performance.now() - started) / 1000;
    const cpu = server.cpuMicros() - cpuBefore;
    const deliveries = perReceiver * size.clients;
    const all = size.clients * size.edits;
    const expected = { map: { tasks: all, textLength: 0 }, text: { tasks: 0, textLength: all }, delete: { tasks: 0, textLength: 0 } }[shape];
    const failures = checkConvergence(clients, expected).map((f) => `S1 ${mode} ${shape}: ${f}`);
    const key = (/** @type {string} */ what) => `s1.${shapeKey(shape)}${mode}.${what}`;
    const label = (/** @type {string} */ what) => `S1 ${mode} (${SHAPE_LABEL[shape]}): ${what}`;
    return {
      failures,
      metrics: [
        { key: key('cpu'), label: label('server CPU per delivered update'), unit: 'µs', value: cpu / deliveries, digits: 1 },
        { key: key('p50'), label: label('latency p50'), unit: 'ms', value: percentile(log.latencies, 0.5), digits: 2 },
        { key: key('p99'), label: label('latency p99'), unit: 'ms', value: percentile(log.latencies, 0.99), digits: 2 },
        { key: key('rate'), label: label('deliveries per second'), unit: '/s', value: deliveries / seconds, better: 'higher', digits: 0 },
      ],
    };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await server.stop();
  }
}

/** @type {import('./types.js').Scenario} */
export const s1 = {
  id: 'S1',
  title: 'fan-out: one document, every client edits',
  appliesTo: () => true,
  // Three shapes, each a burst and three paced runs of about 12 s.
  timeoutMs: () => 480_000,
  async run(target, smoke) {
    const size = smoke ? SMOKE : FULL;
    /** @type {import('./types.js').Outcome} */
    const outcome = { metrics: [], failures: [] };
    for (const shape of SHAPES) {
      const burstOutcome = await fanout(target, 'burst', size, shape);
      /** @type {import('./types.js').Outcome[]} */
      const pacedOutcomes = [];
      for (let sample = 0; sample < size.pacedSamples; sample++) pacedOutcomes.push(await fanout(target, 'paced', size, shape));
      const pacedMetrics = (pacedOutcomes[0]?.metrics ?? []).map((metric, index) => {
        const values = pacedOutcomes.map((paced) => paced.metrics[index]?.value ?? null);
        return { ...metric, value: values.every((value) => value !== null) ? median(values) : null };
      });
      outcome.metrics.push(...burstOutcome.metrics, ...pacedMetrics);
      outcome.failures.push(...burstOutcome.failures, ...pacedOutcomes.flatMap((paced) => paced.failures));
    }
    return outcome;
  },
};

/**
 * The prefix of a shape's keys: none for map sets (the shape S1 always measured, so earlier results and the targets
 * keep their keys), `text.` and `delete.` for the others.
 * @param {import('../clients/shapes.js').Shape} shape
 */
export function shapeKey(shape) {
  return shape === 'map' ? '' : `${shape}.`;
}
