// @ts-check
// What a document's stored bytes are made of: each struct of `Y.encodeStateAsUpdate(doc)` encoded on its own (the V1
// encoding writes structs one after another, so their sizes add up to the update's) and counted under the root type it
// belongs to, a map root's entries under `root.key`. Deleted content counts as `root (deleted)`; what is left once the
// structs are counted is the per-client headers and the delete set.
import * as Y from 'yjs';

/** Map roots whose entries are counted per key (a task document's own fields); the others only per root. */
const PER_KEY = new Set(['fields']);

/** @param {Y.AbstractType<unknown>} type */
function rootOf(type) {
  /** @type {Y.AbstractType<unknown>} */
  let current = type;
  /** @type {string | null} */
  let sub = null;
  while (current._item !== null) {
    sub = current._item.parentSub;
    current = /** @type {Y.AbstractType<unknown>} */ (current._item.parent);
  }
  return { root: current, sub };
}

/** @param {Y.Doc} doc @param {Y.AbstractType<unknown>} root */
function nameOf(doc, root) {
  for (const [name, type] of doc.share) if (type === root) return name;
  return '?';
}

/**
 * Adds `doc`'s stored bytes by kind into `into` (bytes per kind); returns the update's total size.
 * @param {Y.Doc} doc
 * @param {Map<string, number>} into
 */
export function breakdown(doc, into) {
  const add = (/** @type {string} */ kind, /** @type {number} */ bytes) => into.set(kind, (into.get(kind) ?? 0) + bytes);
  const total = Y.encodeStateAsUpdate(doc).byteLength;
  let counted = 0;
  for (const structs of doc.store.clients.values()) {
    for (const struct of structs) {
      const encoder = new Y.UpdateEncoderV1();
      struct.write(encoder, 0);
      const bytes = encoder.toUint8Array().byteLength;
      counted += bytes;
      if (!(struct instanceof Y.Item)) {
        add('gc', bytes);
        continue;
      }
      const parent = /** @type {Y.AbstractType<unknown>} */ (struct.parent);
      const { root, sub } = rootOf(parent);
      const name = nameOf(doc, root);
      const key = parent === root ? struct.parentSub : sub;
      const kind = PER_KEY.has(name) && key !== null ? `${name}.${key}` : name;
      add(struct.deleted ? `${kind} (deleted)` : kind, bytes);
    }
  }
  add('client headers + delete set', total - counted);
  return total;
}
