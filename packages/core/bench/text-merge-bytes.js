// Bytes per text edit with and without edit records (see "When two text edits collide" in packages/core/README.md).
// Needs the built package: `npx -y pnpm@10.34.9 exec tsc -b packages/core`, then `node packages/core/bench/text-merge-bytes.js`.
import * as Y from 'yjs';
import { editText } from '../dist/index.js';

/**
 * A task document with a title, as a replica that created it holds it, plus `others` clients that edited it.
 * @param {number} others
 */
function taskDoc(others) {
  const doc = new Y.Doc();
  doc.transact(() => {
    doc.getMap('fields').set('createdAt', Date.now());
    doc.getText('title').insert(0, 'Task 5 v1');
  });
  for (let i = 0; i < others; i++) {
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    other.getText('title').insert(other.getText('title').length, ' ');
    other.getText('title').delete(other.getText('title').length - 1, 1);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
  }
  return doc;
}

/**
 * The size of the update each edit produces, and the growth of the whole stored state, per edit.
 * @param {Y.Doc} doc
 * @param {Array<(doc: Y.Doc, i: number) => void>} edits
 */
function measure(doc, edits) {
  let updates = 0;
  /** @param {Uint8Array} update */
  const onUpdate = (update) => (updates += update.byteLength);
  const before = Y.encodeStateAsUpdate(doc).byteLength;
  doc.on('update', onUpdate);
  edits.forEach((edit, i) => edit(doc, i));
  doc.off('update', onUpdate);
  return { perEdit: updates / edits.length, stateGrowthPerEdit: (Y.encodeStateAsUpdate(doc).byteLength - before) / edits.length };
}

/**
 * Today's write without records: the smallest splice of the Y.Text, and `updatedAt`.
 * @param {Y.Doc} doc
 * @param {string} next
 */
function plainReplace(doc, next) {
  doc.transact(() => {
    const text = doc.getText('title');
    const current = text.toString();
    let start = 0;
    while (start < Math.min(current.length, next.length) && current[start] === next[start]) start++;
    text.delete(start, current.length - start);
    text.insert(start, next.slice(start));
    doc.getMap('fields').set('updatedAt', Date.now());
  });
}

const N = 200;
/** @type {Array<{ clients: number, edit: string, perEdit: number, stateGrowthPerEdit: number }>} */
const rows = [];
for (const others of [0, 1, 2]) {
  /** @typedef {(doc: Y.Doc, i: number) => void} Edit */
  /** @type {Edit[]} */
  const replace = Array.from({ length: N }, () => (doc, i) => void plainReplace(doc, `Task 5 v${i + 2}`));
  /** @type {Edit[]} */
  const recorded = Array.from({ length: N }, () => (doc, i) => void editText(doc, 'title', `Task 5 v${i + 2}`, { userId: 'ann', now: Date.now() }));
  /** @type {Edit[]} */
  const typePlain = Array.from({ length: N }, () => (doc) => void doc.getText('title').insert(doc.getText('title').length, 'x'));
  /** @type {Edit[]} */
  const typeRecorded = Array.from({ length: N }, () => (doc) => {
    const text = doc.getText('title').toString();
    editText(doc, 'title', `${text}x`, { userId: 'ann', now: Date.now() });
  });
  rows.push({ clients: others + 1, edit: 'replacement, without record (today)', ...measure(taskDoc(others), replace) });
  rows.push({ clients: others + 1, edit: 'replacement, recorded', ...measure(taskDoc(others), recorded) });
  rows.push({ clients: others + 1, edit: 'keystroke of a typing burst, without record', ...measure(taskDoc(others), typePlain) });
  rows.push({ clients: others + 1, edit: 'keystroke of a typing burst, recorded', ...measure(taskDoc(others), typeRecorded) });
}
console.log('clients | edit | bytes per update | stored state growth per edit');
for (const row of rows) console.log(`${row.clients} | ${row.edit} | ${row.perEdit.toFixed(1)} | ${row.stateGrowthPerEdit.toFixed(1)}`);
