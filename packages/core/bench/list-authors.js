// What `list.authors()` costs on a list of 1,000 tasks after one task changed (the members panel reads it after each
// burst of changes): the median and worst of 50 reads, each after a title edit, with the tasks already read.
// Run: `npx -y pnpm@10.34.9 exec tsc -b packages/core && node packages/core/bench/list-authors.js` (from the root).
import { Concord, MemoryPersistence } from '../dist/index.js';

const TASKS = 1_000;
const READS = 50;
const concord = new Concord({ persistence: new MemoryPersistence(), userId: 'ann', syncTabs: false });
const list = await concord.openList('bench');
const ids = [];
for (let i = 0; i < TASKS; i++) ids.push(list.create({ title: `task ${i}` }));
await list.documentsLoaded;
list.authors();
const times = [];
for (let i = 0; i < READS; i++) {
  list.update(ids[i], { title: `changed ${i}` });
  await new Promise((resolve) => setTimeout(resolve, 0));
  list.tasks();
  list.trash();
  const start = performance.now();
  list.authors();
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
console.log(`list.authors() after one change, ${TASKS} tasks: median ${times[READS >> 1].toFixed(2)} ms, worst ${times[READS - 1].toFixed(2)} ms (${READS} reads)`);
await concord.close();
