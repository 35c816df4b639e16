// @ts-check
// The update shapes the light clients make, each one edit per transaction (one message):
// - `map`: a `Y.Map` set of a small value under a new key (clock + 1);
// - `text`: one character typed into a shared `Y.Text` at a position spread over it (clock + 1);
// - `delete`: one character of the client's own earlier text deleted (no new struct: the update is only a delete set,
//   which is how the delivery log recognises it; the client seeds that text first, see `seedText`).
import * as Y from 'yjs';

/** @typedef {'map' | 'text' | 'delete'} Shape */

/** @type {Shape[]} */
export const SHAPES = ['map', 'text', 'delete'];

export const SHAPE_LABEL = /** @type {Record<Shape, string>} */ ({ map: 'map sets', text: 'text inserts', delete: 'deletions of earlier text' });

/** @param {Y.Doc} doc */
export function editMap(doc) {
  const n = Y.getState(doc.store, doc.clientID);
  doc.getMap('tasks').set(`${doc.clientID}:${n}`, { title: `task ${n}`, done: false });
}

/** @param {Y.Doc} doc */
export function editText(doc) {
  const text = doc.getText('t');
  const n = Y.getState(doc.store, doc.clientID);
  // A position that wanders over the text (a multiplicative hash of the clock), as several people typing in one title.
  const position = text.length === 0 ? 0 : ((n * 2654435761) >>> 0) % (text.length + 1);
  text.insert(position, String.fromCharCode(97 + (n % 26)));
}

/**
 * Types `count` characters at the end of the text in one transaction: the content `deleteOwn` deletes later.
 * @param {Y.Doc} doc
 * @param {number} count
 * @returns {number} the clock of the first seeded character
 */
export function seedText(doc, count) {
  const first = Y.getState(doc.store, doc.clientID);
  const text = doc.getText('t');
  text.insert(text.length, 'x'.repeat(count));
  return first;
}

/**
 * Walks the text's items: `visit(item, index)` with the index of the item's first character among the visible ones;
 * stops when it returns true.
 * @param {Y.Doc} doc
 * @param {(item: Y.Item, index: number) => boolean | void} visit
 */
function walk(doc, visit) {
  let index = 0;
  for (let item = doc.getText('t')._start; item !== null; item = item.right) {
    if (visit(item, index) === true) return;
    if (!item.deleted && item.countable) index += item.length;
  }
}

/**
 * Deletes the client's own character with the given clock (seeded earlier and not deleted yet).
 * @param {Y.Doc} doc
 * @param {number} clock
 */
export function deleteOwn(doc, clock) {
  let at = -1;
  walk(doc, (item, index) => {
    const { client, clock: start } = item.id;
    if (client !== doc.clientID || clock < start || clock >= start + item.length) return false;
    if (!item.deleted) at = index + (clock - start);
    return true;
  });
  if (at < 0) throw new Error(`no character ${doc.clientID}:${clock} left to delete`);
  doc.getText('t').delete(at, 1);
}

/**
 * How many characters of `clientID` the text still shows.
 * @param {Y.Doc} doc
 * @param {number} clientID
 */
export function remainingOf(doc, clientID) {
  let remaining = 0;
  walk(doc, (item) => {
    if (item.id.client === clientID && !item.deleted && item.countable) remaining += item.length;
  });
  return remaining;
}
