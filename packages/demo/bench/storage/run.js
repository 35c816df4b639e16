#!/usr/bin/env node
// @ts-check
// Over 300 lines: one benchmark script (flags, bundling the page, serving it, driving Chromium, the report) read top
// to bottom; its in-page half is page/main.js.
// The page API is typed in page/bench-api.d.ts, but the type-aware lint resolves the JSDoc casts of `globalThis.bench` inside
// page.evaluate callbacks to `any`; until that is fixed, member access on it is allowed here.
/* eslint-disable @typescript-eslint/no-unsafe-member-access */
// Benchmark (not a test): Concord's two IndexedDB adapters side by side in headless Chromium, real IndexedDB on disk.
//
//   cd /work/main && npx -y pnpm@10.34.9 exec tsc -b packages/core && node packages/demo/bench/storage/run.js [--quick]
//     [--runs 5] [--tasks 1000] [--edits 200] [--pings 50] [--bulk 10000] [--adapters single,y-indexeddb] [--label name]
//     [--cpu-profile dir] [--fields]
//
// Bundles page/ (which imports '@concord/core') with Vite into a temporary directory, serves it on 127.0.0.1, and per
// adapter, in a fresh browser profile: seeds a list (each task a title, a description and a completion, then five small
// edits), opens it N times on a warm reload (new page, same browser) and N times right after a browser restart, times
// 200 persisted edits, times 50 edits between two offline tabs, and reads the storage left behind. For the
// single-database adapter it then makes 10,000 more edits, waits for the idle merge and compares the stored bytes
// with the documents' encoded size. Prints a markdown table and writes it to results/YYYY-MM-DD.md.
// `--fields`: every task also carries five declared fields (due date, assignee, two tags, priority, estimate), to
// compare the open time and the bytes per task with a run without.
// `--quick` (smoke run): 1 run, 100 tasks, 20 edits, 10 pings, 1,000 bulk edits; written to results/YYYY-MM-DD-quick.md.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { build } from 'vite';

/** @typedef {import('./page/bench-api.js').BenchApi} BenchApi */
/** @typedef {import('./page/bench-api.js').StorageFigures} StorageFigures */
/** @typedef {import('./page/bench-api.js').OpenProfile} OpenProfile */
/**
 * @typedef {object} AdapterResult
 * @property {string} adapter
 * @property {{ restart: OpenProfile[], warm: OpenProfile[], writes: { strict: number, relaxed: number, flushOnly: number } } | null} timings
 * @property {{ ms: number, bytesPerTask: number, fieldContentPerTask: number }} seeded
 * @property {number[]} warm
 * @property {number[]} restart
 * @property {number[]} warmLoaded
 * @property {number[]} restartLoaded
 * @property {number[]} titled
 * @property {number[]} edits
 * @property {number[]} oneWay
 * @property {number[]} rtt
 * @property {number} lost
 * @property {boolean} offline
 * @property {StorageFigures} left
 * @property {{ ms: number, snapshotMs: number, after: StorageFigures, afterRestart: StorageFigures, mergedOpenMs: number } | null} bulk
 */

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    tasks: { type: 'string' },
    edits: { type: 'string' },
    pings: { type: 'string' },
    bulk: { type: 'string' },
    adapters: { type: 'string', default: 'single,y-indexeddb' },
    label: { type: 'string' },
    'cpu-profile': { type: 'string' },
    fields: { type: 'boolean', default: false },
  },
});
const QUICK = values.quick === true;
const RUNS = Number(values.runs ?? (QUICK ? 1 : 5));
const TASKS = Number(values.tasks ?? (QUICK ? 100 : 1000));
const EDITS = Number(values.edits ?? (QUICK ? 20 : 200));
const PINGS = Number(values.pings ?? (QUICK ? 10 : 50));
const BULK = Number(values.bulk ?? (QUICK ? 1000 : 10_000));
const ADAPTERS = String(values.adapters).split(',');
/** A directory to write a CPU profile (.cpuprofile, for DevTools) of each adapter's opens after a restart. */
const CPU_PROFILE_DIR = values['cpu-profile'];
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const STEP_TIMEOUT = 300_000;
/** Stored bytes after the 10,000 bulk edits with the defaults, before attribution and text records (results/2026-11-25.md). */
const BEFORE_ATTRIBUTION = 712 * 1024;

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {string} what
 * @returns {Promise<T>}
 */
async function within(promise, what, ms = STEP_TIMEOUT) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, /** @type {Promise<never>} */ (timeout)]);
  } finally {
    clearTimeout(timer);
  }
}

/** @param {number[]} xs */
function median(xs) {
  const sorted = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? /** @type {number} */ (sorted[mid]) : (/** @type {number} */ (sorted[mid - 1]) + /** @type {number} */ (sorted[mid])) / 2;
}
/** @param {number[]} xs @param {number} q */
function quantile(xs, q) {
  const sorted = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : /** @type {number} */ (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
}
/** @param {number[]} xs */
const worst = (xs) => Math.max(...xs);

/** @param {string} outDir */
async function buildPage(outDir) {
  // Unminified when profiling, so the profile names functions.
  const minify = CPU_PROFILE_DIR === undefined;
  await build({ root: join(here, 'page'), configFile: false, logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false, minify } });
}

/** @param {string} root @returns {Promise<{ url: string, close: () => Promise<void> }>} */
async function serve(root) {
  /** @type {Record<string, string>} */
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    if (path === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    const file = join(root, path === '/' ? 'index.html' : path);
    if (!file.startsWith(root) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    response.end(readFileSync(file));
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', () => done(undefined)));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no server address');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise((done) => server.close(() => done(undefined))),
  };
}

/** @param {string} profile */
function launch(profile) {
  return chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
}

/**
 * @param {import('playwright-core').BrowserContext} context
 * @param {string} url
 */
async function newBenchPage(context, url) {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') console.error(`[page ${message.type()}] ${message.text()}`);
  });
  await page.goto(url);
  await page.waitForFunction(() => Reflect.has(globalThis, 'bench'), undefined, { timeout: 30_000 });
  return page;
}

/**
 * Starts the page's CPU profiler (1 ms sampling would miss most of a 200 ms open; 100 µs does not).
 * @param {import('playwright-core').Page} page
 * @returns {Promise<() => Promise<unknown>>} stops it and returns the profile
 */
async function startCpuProfile(page) {
  const session = await page.context().newCDPSession(page);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 100 });
  await session.send('Profiler.start');
  return async () => {
    const { profile } = await session.send('Profiler.stop');
    await session.detach();
    return profile;
  };
}

/**
 * @param {import('playwright-core').Page} page
 * @param {number} tasks
 */
function openList(page, tasks) {
  return within(page.evaluate((n) => /** @type {BenchApi} */ (Reflect.get(globalThis, 'bench')).open(n), tasks), 'open');
}
/** @param {import('playwright-core').Page} page */
function closeList(page) {
  return within(page.evaluate(() => /** @type {BenchApi} */ (Reflect.get(globalThis, 'bench')).close()), 'close');
}
/** @param {import('playwright-core').Page} page @returns {Promise<StorageFigures>} */
function storage(page) {
  return within(page.evaluate(() => /** @type {BenchApi} */ (Reflect.get(globalThis, 'bench')).storage()), 'storage');
}

/**
 * @param {string} adapter
 * @param {string} baseUrl
 */
async function benchAdapter(adapter, baseUrl) {
  const url = `${baseUrl}?adapter=${adapter}${values.fields ? '&fields=1' : ''}`;
  const profile = mkdtempSync(join(tmpdir(), `concord-storage-bench-${adapter}-`));
  /** @type {import('playwright-core').BrowserContext | null} */
  let context = null;
  const log = (/** @type {string} */ line) => console.error(`[${adapter}] ${line}`);
  try {
    context = await launch(profile);
    let page = await newBenchPage(context, url);
    const seeded = await within(page.evaluate((n) => /** @type {BenchApi} */ (Reflect.get(globalThis, 'bench')).seed(n), TASKS), 'seed');
    log(`seeded ${TASKS} tasks in ${seeded.ms.toFixed(0)} ms`);
    await page.close();

    /** @type {number[]} */
    const warm = [];
    /** @type {number[]} */
    const warmLoaded = [];
    /** @type {number[]} */
    const titled = [];
    for (let run = 0; run < RUNS; run++) {
      page = await newBenchPage(context, url);
      const opened = await openList(page, TASKS);
      warm.push(opened.ms);
      warmLoaded.push(opened.loadedMs);
      titled.push(opened.titled);
      await closeList(page);
      await page.close();
    }
    log(`warm reload: ${warm.map((ms) => ms.toFixed(1)).join(', ')} ms; tasks with a title: ${titled.join(', ')}`);

    /** @type {number[]} */
    const restart = [];
    /** @type {number[]} */
    const restartLoaded = [];
    for (let run = 0; run < RUNS; run++) {
      await context.close();
      context = await launch(profile);
      page = await newBenchPage(context, url);
      const profiler = CPU_PROFILE_DIR ? await startCpuProfile(page) : null;
      const opened = await openList(page, TASKS);
      if (profiler && CPU_PROFILE_DIR) {
        mkdirSync(CPU_PROFILE_DIR, { recursive: true });
        writeFileSync(join(CPU_PROFILE_DIR, `open-after-restart-${adapter}-${run}.cpuprofile`), JSON.stringify(await profiler()));
      }
      restart.push(opened.ms);
      restartLoaded.push(opened.loadedMs);
      titled.push(opened.titled);
      if (run < RUNS - 1) {
        await closeList(page);
        await page.close();
      }
    }
    log(`after restart: ${restart.map((ms) => ms.toFixed(1)).join(', ')} ms; every document applied: ${restartLoaded.map((ms) => ms.toFixed(1)).join(', ')} ms`);

    // Where an open of the single database goes: the same opens with timers around the adapter's steps.
    /** @type {{ restart: import('./page/bench-api.js').OpenProfile[], warm: import('./page/bench-api.js').OpenProfile[], writes: { strict: number, relaxed: number, flushOnly: number } } | null} */
    let timings = null;
    if (adapter === 'single') {
      timings = { restart: [], warm: [], writes: { strict: NaN, relaxed: NaN, flushOnly: NaN } };
      await closeList(page);
      await page.close();
      for (let run = 0; run < RUNS; run++) {
        await context.close();
        context = await launch(profile);
        page = await newBenchPage(context, url);
        timings.restart.push(await within(page.evaluate((n) => /** @type {BenchApi} */ (Reflect.get(globalThis, 'bench')).profileOpen(n), TASKS), 'profile'));
        await closeList(page);
        await page.close();
      }
      for (let run = 0; run < RUNS; run++) {
        page = await newBenchPage(context, url);
        timings.warm.push(await within(page.evaluate((n) => /** @type {BenchApi} */ (Reflect.get(globalThis, 'bench')).profileOpen(n), TASKS), 'profile'));
        if (run < RUNS - 1) {
          await closeList(page);
          await page.close();
        }
      }
      timings.writes = await within(page.evaluate((n) => /** @type {BenchApi} */ (Reflect.get(globalThis, 'bench')).profileWrites(n), 50), 'profile writes');
      log(`profile: ${JSON.stringify(timings)}`);
      
    }

    // One local edit applied and persisted (list.update + await list.flush()), on the list opened last.
    const edits = await within(page.evaluate((n) => /** @type {BenchApi} */ (Reflect.get(globalThis, 'bench')).edits(n), EDITS), 'edits');
    log(`edit: median ${median(edits).toFixed(2)} ms, p95 ${quantile(edits, 0.95).toFixed(2)} ms`);
    await closeList(page);
    await page.close();

    // Two tabs of one browser, offline, no relay: tab A edits, tab B notes the arrival and answers.
    const tabA = await newBenchPage(context, url);
    const tabB = await newBenchPage(context, url);
    await openList(tabA, TASKS);
    await openList(tabB, TASKS);
    await context.setOffline(true);
    const offline = await tabA.evaluate(() => !navigator.onLine);
    await tabB.evaluate(() => /** @type {BenchApi} */ (Reflect.get(globalThis, 'bench')).listen());
    const pings = await within(tabA.evaluate((n) => /** @type {BenchApi} */ (Reflect.get(globalThis, 'bench')).ping(n, 20), PINGS), 'ping');
    const arrivals = await tabB.evaluate(() => /** @type {BenchApi} */ (Reflect.get(globalThis, 'bench')).arrivals());
    const oneWay = pings.sent.map((at, i) => (arrivals[i] ?? NaN) - at);
    const lost = oneWay.filter((ms) => !Number.isFinite(ms)).length;
    log(`two tabs (offline: ${offline}): one-way median ${median(oneWay).toFixed(2)} ms, worst ${worst(oneWay).toFixed(2)}; round trip median ${median(pings.rtt).toFixed(2)} ms; lost ${lost}`);
    await closeList(tabA);
    await closeList(tabB);
    await tabB.close();
    await context.setOffline(false);

    const left = await storage(tabA);
    log(`storage: ${left.databases} databases, ${left.usage} bytes (estimate)`);
    await tabA.close();

    /** @type {{ ms: number, snapshotMs: number, after: StorageFigures, afterRestart: StorageFigures, mergedOpenMs: number } | null} */
    let bulk = null;
    if (adapter === 'single') {
      page = await newBenchPage(context, url);
      await openList(page, TASKS);
      const done = await within(page.evaluate((n) => /** @type {BenchApi} */ (Reflect.get(globalThis, 'bench')).bulkEdits(n), BULK), 'bulk edits');
      await closeList(page);
      const after = await storage(page);
      await page.close();
      await context.close();
      context = await launch(profile);
      page = await newBenchPage(context, url);
      // The same list after the idle merge above, right after a restart (then the storage it leaves).
      const mergedOpen = await openList(page, TASKS);
      log(`open after the idle merge, after a restart: ${mergedOpen.ms.toFixed(1)} ms (${mergedOpen.titled} titled)`);
      await closeList(page);
      const afterRestart = await storage(page);
      await page.close();
      bulk = { ms: done.ms, snapshotMs: done.snapshotMs, after, afterRestart, mergedOpenMs: mergedOpen.ms };
      log(`after ${BULK} edits + idle merge: ${JSON.stringify(after)}; after a restart: usage ${afterRestart.usage}`);
    }
    /** @type {AdapterResult} */
    const result = { adapter, timings, seeded, warm, warmLoaded, restart, restartLoaded, titled, edits, oneWay, rtt: pings.rtt, lost, offline, left, bulk };
    return result;
  } finally {
    await context?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
}

/** @param {number} ms */
const fmt = (ms) => (Number.isFinite(ms) ? (ms < 10 ? ms.toFixed(2) : ms.toFixed(0)) : 'n/a');
/** @param {number} bytes */
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;

/** @param {AdapterResult[]} results */
function table(results) {
  const names = { single: 'SingleDatabasePersistence', 'y-indexeddb': 'IndexedDbPersistence (y-indexeddb)' };
  /** @type {string[][]} */
  const rows = [];
  /** @param {string} metric @param {string} target @param {(r: AdapterResult) => string} cell */
  const row = (metric, target, cell) => rows.push([metric, target, ...results.map(cell)]);
  row(`open ${TASKS} tasks, warm reload: median / worst of ${RUNS}`, '', (r) => `${fmt(median(r.warm))} / ${fmt(worst(r.warm))} ms`);
  row(`open ${TASKS} tasks after a browser restart: median / worst of ${RUNS}`, '< 200 ms median', (r) => `${fmt(median(r.restart))} / ${fmt(worst(r.restart))} ms`);
  row(`encoded bytes per task document after seeding${values.fields ? ' (with five fields: their own content)' : ''}`, '', (r) =>
    `${fmt(r.seeded.bytesPerTask)} B${values.fields ? ` (${fmt(r.seeded.fieldContentPerTask)} B)` : ''}`,
  );
  row(`every document applied and handed to sync (documentsLoaded): warm / after a restart, medians`, '', (r) => `${fmt(median(r.warmLoaded))} / ${fmt(median(r.restartLoaded))} ms`);
  row(`one edit applied + persisted (update + flush): median / p95 of ${EDITS}`, '< 2 ms median', (r) => `${fmt(median(r.edits))} / ${fmt(quantile(r.edits, 0.95))} ms`);
  row(`two tabs offline, edit to other tab: median / worst of ${PINGS} (one-way, shared clock)`, '< 50 ms', (r) => `${fmt(median(r.oneWay))} / ${fmt(worst(r.oneWay))} ms${r.lost ? `, ${r.lost} lost` : ''}`);
  row('two tabs offline: round trip / 2, median (clock-free check)', '', (r) => `${fmt(median(r.rtt) / 2)} ms`);
  row('tasks with their title after reopening (every open)', `${TASKS}`, (r) => `${Math.min(...r.titled)}–${Math.max(...r.titled)}`);
  row('IndexedDB databases left after the run', '', (r) => `${r.left.databases}`);
  row('storage used after the run (navigator.storage.estimate)', '', (r) => kb(r.left.usage));
  row(`stored update bytes after ${BULK} more edits + idle merge vs encoded documents`, '≤ 2×', (r) =>
    r.bulk
      ? `${kb(r.bulk.after.recordBytes ?? NaN)} in ${r.bulk.after.records} records vs ${kb(r.bulk.after.encodedBytes ?? NaN)} (${r.bulk.after.documents} docs): ${((r.bulk.after.recordBytes ?? NaN) / (r.bulk.after.encodedBytes ?? NaN)).toFixed(2)}×`
      : 'not measured',
  );
  // The budget for attribution and text records: at most 1.5× what the same run stored before them (results/2026-11-25.md).
  if (TASKS === 1000 && BULK === 10_000 && !values.fields) {
    row(`the same stored bytes against the ${kb(BEFORE_ATTRIBUTION)} stored before attribution and text records (2026-11-25)`, '≤ 1.5×', (r) =>
      r.bulk ? `${((r.bulk.after.recordBytes ?? NaN) / BEFORE_ATTRIBUTION).toFixed(2)}×` : 'not measured',
    );
  }
  row('snapshot of the whole list after those edits (the idle merge), time in the page', '', (r) => (r.bulk ? `${fmt(r.bulk.snapshotMs)} ms` : 'not measured'));
  row('open after those edits and the snapshot, after a restart (one run)', '', (r) => (r.bulk ? `${fmt(r.bulk.mergedOpenMs)} ms` : 'not measured'));
  row(`storage estimate after those edits (then after a restart)`, '', (r) => (r.bulk ? `${kb(r.bulk.after.usage)} (${kb(r.bulk.afterRestart.usage)})` : 'not measured'));
  const single = results.find((r) => r.timings);
  if (single?.timings) {
    /** @param {import('./page/bench-api.js').OpenProfile[]} runs @param {keyof import('./page/bench-api.js').OpenProfile} key */
    const m = (runs, key) => fmt(median(runs.map((p) => p[key])));
    for (const [when, runs] of /** @type {[string, import('./page/bench-api.js').OpenProfile[]][]} */ ([
      ['after a restart', single.timings.restart],
      ['warm reload', single.timings.warm],
    ])) {
      const text =
        `total ${m(runs, 'total')} ms = IDB open ${m(runs, 'openDb')} + getAll ${m(runs, 'getAll')} (${m(runs, 'records')} records, ${kb(median(runs.map((p) => p.bytes)))}) + applyUpdate ${m(runs, 'apply')} ms over ${m(runs, 'binds')} binds (${m(runs, 'slowBinds')} with a getAll of their own) + first tasks() ${m(runs, 'snapshot')} ms + the rest (store slot work, promises)`;
      rows.push([`single-database open profile, ${when} (medians)`, '', ...results.map((r) => (r === single ? text : ''))]);
    }
    const w = single.timings.writes;
    const text = `default durability ${fmt(w.strict)} ms, relaxed ${fmt(w.relaxed)} ms; list.flush() with nothing to write ${fmt(w.flushOnly)} ms`;
    rows.push(['single database: one small write transaction, median of 50', '', ...results.map((r) => (r === single ? text : ''))]);
  }
  const header = ['measure', 'target', ...results.map((r) => (r.adapter === 'single' || r.adapter === 'y-indexeddb' ? names[r.adapter] : r.adapter))];
  const line = (/** @type {string[]} */ cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * The single database's stored bytes after the bulk edits, by kind: what the documents hold (structs by root type, the
 * task documents' `fields` per key), what the snapshot adds (views, metadata) and what is still in update records.
 * @param {AdapterResult[]} results
 */
function kinds(results) {
  const byKind = results.find((r) => r.bulk?.after.byKind)?.bulk?.after.byKind;
  if (!byKind) return [];
  const total = Object.values(byKind).reduce((sum, bytes) => sum + bytes, 0);
  return [
    `Stored bytes after the ${BULK} edits, by kind (documents at their encoded size, plus what the snapshot adds):`,
    '',
    '| kind | bytes | share |',
    '| --- | --- | --- |',
    ...Object.entries(byKind).map(([kind, bytes]) => `| ${kind} | ${bytes} | ${((100 * bytes) / total).toFixed(1)} % |`),
    '',
  ];
}

async function main() {
  const outDir = mkdtempSync(join(tmpdir(), 'concord-storage-bench-page-'));
  /** @type {{ url: string, close: () => Promise<void> } | null} */
  let server = null;
  try {
    await buildPage(outDir);
    server = await serve(outDir);
    /** @type {AdapterResult[]} */
    const results = [];
    for (const adapter of ADAPTERS) results.push(await benchAdapter(adapter, server.url));
    const date = new Date().toISOString().slice(0, 10);
    const markdown = [
      `# Storage benchmark, ${date}${QUICK ? ' (quick smoke run)' : ''}`,
      '',
      `Headless Chromium (${CHROMIUM}), real IndexedDB on disk, one fresh profile per adapter; ${TASKS} tasks, each a title, a description`,
      'and a completion, then five small edits. Reproduce: `npx -y pnpm@10.34.9 exec tsc -b packages/core && node packages/demo/bench/storage/run.js' +
        (QUICK ? ' --quick' : '') + '`.',
      '',
      table(results),
      '',
      ...kinds(results),
      'Raw figures (ms):',
      '',
      '```json',
      JSON.stringify(
        results.map((r) => ({ adapter: r.adapter, warm: r.warm, restart: r.restart, seedMs: r.seeded.ms, bulkMs: r.bulk?.ms })),
        (/** @type {string} */ _, /** @type {unknown} */ v) => (typeof v === 'number' ? Math.round(v * 100) / 100 : v),
      ),
      '```',
      '',
    ].join('\n');
    console.log(markdown);
    const dir = join(here, 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${date}${QUICK ? '-quick' : ''}${values.label ? `-${values.label}` : ''}.md`);
    writeFileSync(file, markdown);
    console.error(`written to ${resolve(file)}`);
  } finally {
    await server?.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

await main();
