// @ts-check
// The harness: every scenario on every relay, the report, and the cleanup of every process and directory it made.
import console from 'node:console';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { parseArgs } from 'node:util';
import { SCENARIOS } from '../scenarios/index.js';
import { setS7QuietMs, setS7Sizes } from '../scenarios/s7-scale.js';
import { TARGETS, dataDirs } from '../servers/targets.js';
import { killAll } from './proc.js';
import { renderReport } from './report.js';
import { median } from './stats.js';

const USAGE = `Usage: node bench/run.js [options]   (or pnpm bench, which builds and installs the peers first)
  --smoke                  tiny sizes, one run (what CI runs)
  --runs N                 runs per scenario and relay, figures are their medians (default 3)
  --only S1,S3             these scenarios only (${SCENARIOS.map((s) => s.id).join(', ')})
  --targets concord,raw    these relays only (${TARGETS.map((t) => t.id).join(', ')})
  --s7-clients 1000,19000  S7's sizes (10 to 19500 clients each)
  --s7-quiet 35            S7: the relay's CPU over this many seconds with every client connected and quiet
  --help                   this text`;

/**
 * @param {string} message
 * @returns {never}
 */
function usageError(message) {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

/** @type {{ values: { smoke?: boolean, runs?: string, only?: string, targets?: string, 's7-clients'?: string, 's7-quiet'?: string, help?: boolean } }} */
let parsed;
try {
  parsed = parseArgs({
    options: {
      smoke: { type: 'boolean', default: false },
      runs: { type: 'string' },
      only: { type: 'string' },
      targets: { type: 'string' },
      's7-clients': { type: 'string' },
      's7-quiet': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
} catch (err) {
  usageError(err instanceof Error ? err.message : String(err));
}
const { values } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const smoke = values.smoke ?? false;
const runs = Number(values.runs ?? (smoke ? 1 : 3));
if (!Number.isInteger(runs) || runs < 1) usageError('--runs takes a whole number from 1');
// Only a full run (every scenario and relay, 3 runs) writes the file that gets committed; a partial one must not replace it.
const partial = !smoke && (values.only !== undefined || values.targets !== undefined || runs !== 3);
const s7Sizes = values['s7-clients']?.split(',').map((size) => Number(size.trim()));
if (s7Sizes !== undefined) {
  if (s7Sizes.some((size) => !Number.isInteger(size) || size < 10 || size > 19_500)) {
    usageError('--s7-clients takes client counts from 10 to 19500, comma-separated (one relay process holds fewer than 20,000 sockets)');
  }
  setS7Sizes(s7Sizes);
}
if (values['s7-quiet'] !== undefined) {
  const seconds = Number(values['s7-quiet']);
  if (!(seconds > 0 && seconds <= 300)) {
    usageError('--s7-quiet takes seconds from 1 to 300 (at least one heartbeat period, 30 s, to compare relays)');
  }
  setS7QuietMs(seconds * 1000);
}
const kind = smoke ? 'smoke' : partial || s7Sizes !== undefined || values['s7-quiet'] !== undefined ? 'partial' : 'full';
/** A scenario on one relay that takes longer than this has hung; the run fails instead of waiting forever. */
const SCENARIO_TIMEOUT_MS = smoke ? 30_000 : 240_000;

/**
 * The ids a comma-separated flag names, or null without the flag; an id not among `known` is a usage error.
 * @param {string} flag
 * @param {string | undefined} list
 * @param {readonly string[]} known
 */
function pick(flag, list, known) {
  if (list === undefined) return null;
  const ids = new Set(list.split(',').map((s) => s.trim()));
  const unknown = [...ids].filter((id) => !known.includes(id));
  if (unknown.length > 0) usageError(`${flag}: no such ${flag === '--only' ? 'scenario' : 'relay'}: ${unknown.join(', ')}`);
  return ids;
}
const onlyScenarios = pick('--only', values.only, SCENARIOS.map((s) => s.id));
const onlyTargets = pick('--targets', values.targets, TARGETS.map((t) => t.id));
const scenarios = SCENARIOS.filter((s) => onlyScenarios === null || onlyScenarios.has(s.id));

/** @type {string[]} */
const notes = [];
/** @type {string[]} */
const failures = [];
const targets = TARGETS.filter((t) => onlyTargets === null || onlyTargets.has(t.id)).filter((t) => {
  const reason = t.unavailable();
  if (reason !== null) {
    console.error(`bench: skipping ${t.label}: ${reason}`);
    notes.push(`${t.label} skipped: ${reason}.`);
  }
  return reason === null;
});

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
function withTimeout(promise, ms, what) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, timeout]).finally(() => clearTimeout(timer)));
}

async function main() {
  /** @type {Map<string, import('../scenarios/types.js').Metric[]>} every run's value, by `${key}|${targetId}` */
  const samples = new Map();
  /** @type {Map<string, import('../scenarios/types.js').Metric>} one of each figure, in the order they appear */
  const keys = new Map();
  for (let run = 1; run <= runs; run++) {
    // Scenario by scenario, every relay back to back: figures to compare are measured close together in time.
    // Each run starts with another relay: the first relay of a run meets the clients' code colder (S3 alone: Concord's
    // fresh client took 16-67 ms in that slot, 15-30 ms in the others), and the median of the runs drops that slot for
    // every relay alike instead of always charging it to the first.
    const order = [...targets.slice((run - 1) % targets.length), ...targets.slice(0, (run - 1) % targets.length)];
    for (const scenario of scenarios) {
      for (const target of order.filter((t) => scenario.appliesTo(t))) {
        const what = `${scenario.id} on ${target.label}${runs > 1 ? ` (run ${run}/${runs})` : ''}`;
        const started = Date.now();
        try {
          const outcome = await withTimeout(scenario.run(target, smoke), scenario.timeoutMs?.() ?? SCENARIO_TIMEOUT_MS, what);
          for (const failure of outcome.failures) failures.push(`${what}: ${failure}`);
          for (const note of outcome.notes ?? []) notes.push(`${note}${runs > 1 ? ` (run ${run})` : ''}`);
          for (const metric of outcome.metrics) {
            if (!keys.has(metric.key)) keys.set(metric.key, metric);
            const id = `${metric.key}|${target.id}`;
            samples.set(id, [...(samples.get(id) ?? []), metric]);
          }
          console.error(`bench: ${what}: ${outcome.failures.length === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        } catch (err) {
          failures.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
          console.error(`bench: ${what}: ERROR ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        }
      }
    }
  }
  /** @type {Map<string, import('../scenarios/types.js').Metric>} */
  const metrics = new Map();
  for (const [id, list] of samples) {
    const values = list.map((m) => m.value).filter((v) => v !== null);
    // A figure that was missing in any run (content never restored, say) stays missing.
    const value = values.length === list.length ? median(values) : null;
    metrics.set(id, { .../** @type {import('../scenarios/types.js').Metric} */ (list[0]), value });
  }
  for (const failure of failures) notes.push(`FAILED: ${failure}`);

  const date = new Date().toISOString().slice(0, 10);
  const report = renderReport({ date, kind, runs, targets, results: { metrics, notes }, keys: [...keys.values()] });
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results');
  mkdirSync(dir, { recursive: true });
  // A full run is committed: a second one on the same day goes beside it (`-run2`, ...), never over it.
  let file = path.join(dir, `${date}-${kind}.md`);
  for (let n = 2; kind === 'full' && existsSync(file); n++) file = path.join(dir, `${date}-full-run${n}.md`);
  writeFileSync(file, report);
  console.log(report);
  console.log(`bench: report written to ${path.relative(process.cwd(), file)}`);
}

function cleanup() {
  killAll();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
}

// Also on an uncaught exception in a socket handler, which ends the process without reaching `finally`.
process.on('exit', cleanup);
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    cleanup();
    process.exit(130);
  });
}

try {
  await main();
} catch (err) {
  failures.push(err instanceof Error ? (err.stack ?? err.message) : String(err));
} finally {
  cleanup();
}
const prefix = smoke ? 'bench smoke' : 'bench';
if (failures.length > 0) {
  for (const failure of failures) console.error(`${prefix}: FAILED: ${failure}`);
  console.log(`${prefix}: some scenarios failed (${failures.length} problems)`);
  process.exit(1);
}
console.log(`${prefix}: all scenarios ran`);
// Sockets of a scenario that timed out could keep the process alive.
process.exit(0);
