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

/** @type {Goal[]} */
export const GOALS = [
  { text: 'S1 paced: CPU per delivery ≤ y-websocket mem', check: atMostTimes('s1.paced.cpu', 'yws-mem', 1, 'µs') },
  { text: 'S1 burst: CPU per delivery ≤ 1.33× raw ws', check: atMostTimes('s1.burst.cpu', 'raw', 1.33, 'µs') },
  { text: 'S1 burst: latency p50 < 20 ms', check: atMost('s1.burst.p50', 20, 'ms') },
  { text: 'S2: heap per loaded document ≤ 0.5× y-websocket mem', check: atMostTimes('s2.heapPerDoc', 'yws-mem', 0.5, 'KiB') },
  { text: 'S2: heap kept after clients left ≤ 25 %', check: atMost('s2.kept', 25, '%') },
  { text: 'S3: fresh client no slower than the best peer', check: noSlowerThanBest('s3.fresh', STORING_PEERS) },
  { text: 'S3: offline edits after reconnect no slower than the best peer', check: noSlowerThanBest('s3.offline', STORING_PEERS) },
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
];
