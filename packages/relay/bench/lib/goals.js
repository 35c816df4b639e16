// @ts-check
// The targets of issue 6 (and issue 3's figures for S5 and S6), as checks on the figures of one run (ratios within a run, never across runs).

/**
 * @typedef {(key: string, targetId: string) => number | null} Lookup
 * @typedef {{ verdict: 'met' | 'missed' | 'n/a', detail: string }} Verdict
 * @typedef {{ text: string, check: (figure: Lookup) => Verdict }} Goal
 */

const f = (/** @type {number} */ x, digits = 1) => x.toFixed(digits);
const NA = /** @type {Verdict} */ ({ verdict: 'n/a', detail: 'figure missing' });

/**
 * Concord's figure against a multiple of a peer's.
 * @param {string} key
 * @param {string} peer
 * @param {number} factor
 * @param {string} unit
 * @returns {(figure: Lookup) => Verdict}
 */
const atMostTimes = (key, peer, factor, unit) => (figure) => {
  const ours = figure(key, 'concord');
  const theirs = figure(key, peer);
  if (ours === null || theirs === null) return NA;
  const ratio = ours / theirs;
  return { verdict: ratio <= factor ? 'met' : 'missed', detail: `${f(ours)} ${unit} vs ${f(theirs)} ${unit} = ${f(ratio, 2)}×` };
};

/**
 * @param {string} key
 * @param {number} limit
 * @param {string} unit
 * @returns {(figure: Lookup) => Verdict}
 */
const atMost = (key, limit, unit) => (figure) => {
  const ours = figure(key, 'concord');
  if (ours === null) return NA;
  return { verdict: ours <= limit ? 'met' : 'missed', detail: `${f(ours)} ${unit}` };
};

/**
 * @param {string} key
 * @param {string[]} peers
 * @returns {(figure: Lookup) => Verdict}
 */
const noSlowerThanBest = (key, peers) => (figure) => {
  const ours = figure(key, 'concord');
  const theirs = peers.map((peer) => ({ peer, value: figure(key, peer) })).filter((p) => p.value !== null);
  if (ours === null || theirs.length === 0) return NA;
  const best = theirs.reduce((a, b) => (/** @type {number} */ (b.value) < /** @type {number} */ (a.value) ? b : a));
  const bestValue = /** @type {number} */ (best.value);
  return { verdict: ours <= bestValue ? 'met' : 'missed', detail: `${f(ours)} ms vs best ${best.peer} ${f(bestValue)} ms = ${f(ours / bestValue, 2)}×` };
};

/**
 * @param {string} key
 * @param {number} expected
 * @param {string} unit
 * @returns {(figure: Lookup) => Verdict}
 */
const exactly = (key, expected, unit) => (figure) => {
  const ours = figure(key, 'concord');
  if (ours === null) return NA;
  return { verdict: ours === expected ? 'met' : 'missed', detail: `${f(ours, 0)} ${unit}` };
};

const STORING_PEERS = ['yws-mem', 'yws-leveldb', 'hocus-mem', 'hocus-sqlite'];
/** Key prefix and name of each update shape S1 and S3 run (see clients/shapes.js). */
const SHAPE_KEYS = [
  ['', 'map sets'],
  ['text.', 'text inserts'],
  ['delete.', 'deletions'],
];

/** @type {Goal[]} */
export const GOALS = [
  // For every update shape (keys: map sets unprefixed, then `text.` and `delete.`).
  ...SHAPE_KEYS.flatMap(([prefix, shape]) => [
    { text: `S1 paced (${shape}): CPU per delivery ≤ y-websocket mem`, check: atMostTimes(`s1.${prefix}paced.cpu`, 'yws-mem', 1, 'µs') },
    { text: `S1 burst (${shape}): CPU per delivery ≤ 1.33× raw ws`, check: atMostTimes(`s1.${prefix}burst.cpu`, 'raw', 1.33, 'µs') },
    { text: `S1 burst (${shape}): latency p50 < 20 ms`, check: atMost(`s1.${prefix}burst.p50`, 20, 'ms') },
  ]),
  { text: 'S2: heap per loaded document ≤ 0.5× y-websocket mem', check: atMostTimes('s2.heapPerDoc', 'yws-mem', 0.5, 'KiB') },
  { text: 'S2: heap kept after clients left ≤ 25 %', check: atMost('s2.kept', 25, '%') },
  ...SHAPE_KEYS.flatMap(([prefix, shape]) => [
    { text: `S3 (${shape}): fresh client no slower than the best peer`, check: noSlowerThanBest(`s3.${prefix}fresh`, STORING_PEERS) },
    { text: `S3 (${shape}): offline edits after reconnect no slower than the best peer`, check: noSlowerThanBest(`s3.${prefix}offline`, STORING_PEERS) },
  ]),
  { text: 'S4: 0 acknowledged updates lost', check: atMost('s4.lost', 0, 'lost') },
  { text: 'S4: told synced only once holding every stored update', check: atMost('s4.missingAtSync', 0, 'missing at synced') },
  // Issue 3's figures for a 1,000-task list (absolute: there is no peer running the core client).
  { text: 'S5: open + first sync of the list into an empty client < 1 s', check: atMost('s5.firstSync', 1000, 'ms') },
  { text: 'S5: catch-up after 100 offline edits over 100 tasks < 200 ms', check: atMost('s5.catchUp', 200, 'ms') },
  { text: 'S5: the relay holds exactly 1 connection from the client', check: exactly('s5.connections', 1, 'connection(s)') },
  { text: 'S6: open the list from IndexedDB < 500 ms (SingleDatabasePersistence)', check: atMost('s6.open.single', 500, 'ms') },
  { text: 'S6: open the list from IndexedDB < 500 ms (IndexedDbPersistence)', check: atMost('s6.open.yidb', 500, 'ms') },
  { text: 'S6: no task content lost on reopen (SingleDatabasePersistence)', check: exactly('s6.lost.single', 0, 'tasks lost') },
  { text: 'S6: no task content lost on reopen (IndexedDbPersistence)', check: exactly('s6.lost.yidb', 0, 'tasks lost') },
  // Many connections, with the heartbeat on (Concord's defaults), at the sizes run (`--s7-clients`).
  ...[10_000, 19_000].flatMap((n) => [
    { text: `S7 ${n}: latency p99 no worse than the best peer`, check: noSlowerThanBest(`s7.${n}.p99`, STORING_PEERS) },
    { text: `S7 ${n}: latency max < 50 ms`, check: atMost(`s7.${n}.max`, 50, 'ms') },
    { text: `S7 ${n}: every client connected and synced no slower than the best peer`, check: noSlowerThanBest(`s7.${n}.connectAll`, STORING_PEERS) },
    { text: `S7 ${n}: CPU per delivery ≤ y-websocket mem`, check: atMostTimes(`s7.${n}.cpu`, 'yws-mem', 1, 'µs') },
  ]),
  { text: 'S7 19000: server RSS < 300 MiB', check: atMost('s7.19000.rss', 300, 'MiB') },
];
