// @ts-check
// What the relay's update screen costs per update, on top of the decode it always did: three update shapes (text
// inserts, map sets, deletions), each a thousand real one-edit updates; and, with authentication, the check of the
// claims in the documents' authors map on top. Usage: node bench/screen-cost.js (after build).
import * as Y from 'yjs';
import { ClockTable } from '../dist/engine/clock-table.js';
import { decodeExact, screenUpdate } from '../dist/engine/update-screen.js';
import { claimsAreOwn } from '../dist/engine/author-claims.js';

/** @param {(doc: Y.Doc, i: number) => void} edit @param {(doc: Y.Doc) => void} [setup] */
function shape(edit, setup) {
  const doc = new Y.Doc();
  doc.clientID = 5;
  setup?.(doc);
  /** @type {Uint8Array[]} */
  const updates = [];
  doc.on('update', (/** @type {Uint8Array} */ update) => updates.push(update));
  for (let i = 0; i < 1_000; i++) edit(doc, i);
  return { updates, clocks: new ClockTable(Y.encodeStateVector(doc)) };
}

const shapes = {
  'text inserts': shape((doc) => doc.getText('t').insert(doc.getText('t').length, 'x')),
  'map sets': shape((doc, i) => doc.getMap('m').set(`k${i % 50}`, { title: `task ${i}`, done: false })),
  deletions: shape((doc, i) => doc.getText('t').delete((i * 7) % 3_000, 1), (doc) => doc.getText('t').insert(0, 'x'.repeat(4_000))),
};

/** @param {Uint8Array[]} updates @param {(update: Uint8Array) => void} work @returns {number} µs per update */
function time(updates, work) {
  for (let round = 0; round < 20; round++) for (const update of updates) work(update);
  const rounds = 100;
  const start = process.hrtime.bigint();
  for (let round = 0; round < rounds; round++) for (const update of updates) work(update);
  return Number(process.hrtime.bigint() - start) / 1_000 / (rounds * updates.length);
}

console.log('| shape | bytes per update | decode µs | decode + screen µs | decode + screen + claims µs (authentication on) |\n|---|---:|---:|---:|---:|');
for (const [name, { updates, clocks }] of Object.entries(shapes)) {
  const bytes = updates.reduce((sum, update) => sum + update.byteLength, 0) / updates.length;
  const decode = time(updates, (update) => decodeExact(update));
  const screened = time(updates, (update) => {
    const decoded = decodeExact(update);
    if (decoded !== null) screenUpdate(decoded, clocks);
  });
  const claimed = time(updates, (update) => {
    const decoded = decodeExact(update);
    if (decoded !== null && screenUpdate(decoded, clocks).verdict !== 'refuse') claimsAreOwn(decoded, 'ann');
  });
  console.log(`| ${name} | ${bytes.toFixed(0)} | ${decode.toFixed(2)} | ${screened.toFixed(2)} | ${claimed.toFixed(2)} |`);
}
