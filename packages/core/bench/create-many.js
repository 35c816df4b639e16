// What creating many tasks through the API costs: a burst of creates, creates one per turn with a subscriber, and the
// list update each create sends applied on another replica. Per create, so a cost that grows with the list shows.
// Times are the process's CPU time in milliseconds.
// Needs the built package: `npx -y pnpm@10.34.9 exec tsc -b packages/core`, then
// `node packages/core/bench/create-many.js [--tasks 1000,10000] [--skip burst,turn,remote]` (see bench/README.md).
import * as Y from 'yjs';
import { Concord, MemoryPersistence } from '../dist/index.js';
import { fiveFields } from './five-fields.js';

const args = process.argv.slice(2);
const at = args.indexOf('--tasks');
const sizes = (at < 0 ? '1000,10000' : String(args[at + 1])).split(',').map(Number);
// `--skip turn` leaves out the creates made one per turn (the slowest part before the entries were kept sorted).
const skip = args.includes('--skip') ? String(args[args.indexOf('--skip') + 1]).split(',') : [];
const schema = fiveFields;
/** @param {number} i */
const fields = (i) => ({ title: `Task ${i}`, due: '2026-12-24', assignee: 'ann', tags: ['a', 'b'], priority: 'medium', estimate: i % 13 });
const turn = () => new Promise((resolve) => setImmediate(resolve));
// CPU time of this process (user + system), not wall time: the figure holds on a machine shared with other jobs.
const cpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** @param {string} userId */
async function open(userId) {
  const concord = new Concord({ schema, persistence: new MemoryPersistence(), userId, syncTabs: false });
  return { concord, list: await concord.openList('bench') };
}

/** `n` creates in one synchronous burst, then the turn that delivers the change (what an import does).
 * @param {number} n
 */
async function burst(n) {
  const { concord, list } = await open('ann');
  let changes = 0;
  list.on('change', () => changes++);
  const start = cpu();
  for (let i = 0; i < n; i++) list.create(fields(i));
  const created = cpu() - start;
  await turn();
  const total = cpu() - start;
  if (list.tasks().length !== n) throw new Error(`expected ${n} tasks, found ${list.tasks().length}`);
  await concord.close();
  return { created, total, changes };
}

/** `n` creates, each in its own turn with a subscriber reading the tasks after each (what a person or a UI does).
 * @param {number} n
 */
async function oneByOne(n) {
  const { concord, list } = await open('ann');
  let shown = 0;
  const stop = list.subscribe((tasks) => (shown = tasks.length));
  const start = cpu();
  for (let i = 0; i < n; i++) {
    list.create(fields(i));
    await Promise.resolve();
  }
  await turn();
  const total = cpu() - start;
  if (shown !== n) throw new Error(`subscriber saw ${shown} tasks, expected ${n}`);
  stop();
  await concord.close();
  return { total };
}

/** The list updates `n` creates send, applied one by one on another replica that shows the list.
 * @param {number} n
 */
async function remote(n) {
  /** @type {Uint8Array[]} */
  const updates = [];
  const { concord: from, list: writer } = await open('ann');
  const listDoc = writer.doc;
  listDoc.on('update', (/** @type {Uint8Array} */ update) => updates.push(update));
  for (let i = 0; i < n; i++) writer.create(fields(i));
  const { concord, list } = await open('bob');
  let changes = 0;
  list.on('change', () => changes++);
  const target = list.doc;
  const start = cpu();
  for (const update of updates) Y.applyUpdate(target, update, 'remote');
  const applied = cpu() - start;
  await turn();
  const total = cpu() - start;
  await Promise.all([from.close(), concord.close()]);
  return { applied, total, changes, updates: updates.length };
}

/** @param {number} value */
const ms = (value) => `${value.toFixed(0)} ms`;
/** @param {number} value @param {number} n */
const us = (value, n) => `${((value * 1000) / n).toFixed(1)} µs`;
console.log('| tasks | burst: create calls | burst: until change | per create | one per turn, subscribed | per create | remote list updates applied | per update |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const n of sizes) {
  const a = skip.includes('burst') ? null : await burst(n);
  const b = skip.includes('turn') ? null : await oneByOne(n);
  const c = skip.includes('remote') ? null : await remote(n);
  const cells = [
    ...(a ? [ms(a.created), ms(a.total), us(a.total, n)] : ['–', '–', '–']),
    ...(b ? [ms(b.total), us(b.total, n)] : ['–', '–']),
    ...(c ? [ms(c.total), us(c.total, c.updates)] : ['–', '–']),
  ];
  console.log(`| ${n} | ${cells.join(' | ')} |`);
}
