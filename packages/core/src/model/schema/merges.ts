import type * as Y from 'yjs';

/**
 * How each non-text field type lives in a task's Yjs document, one top-level map per field (top-level types are
 * created by name, identically on every replica, so two replicas writing a field for the first time concurrently never
 * lose each other's entries; a nested map created twice would lose one). The map's name carries the kind, so a field
 * whose type a later schema changes starts empty instead of misreading the old entries, which stay in the document.
 *
 * - Register (`r:<name>`): entries `writer -> [stamp, value]`. A write stamps max(now, highest stamp seen + 1) (a
 *   hybrid logical clock: later than every value the writer has seen, and the wall clock when that is later) and
 *   deletes the entries it has seen. Concurrent writes both stay; every replica reads the highest (stamp, writer), so
 *   they settle on the later edit, ties broken by writer id. `null` is a written clear that competes the same way.
 * - Set (`s:<name>`): a key per member. Adding always writes the key anew, and a Yjs map deletion removes only the
 *   entry the deleting replica saw, so a concurrent add and remove of one member keeps it (add-wins); adds of
 *   different members are different keys.
 * - Counter (`c:<name>`): entries `writer -> that writer's running total`. Each writer changes only its own entry,
 *   so concurrent increments add up.
 *
 * A writer is the Yjs client id of the document, or `m<version>` for a migration: replicas migrating one task at the
 * same time write identical entries under the same key, so a migration's counter change counts once.
 */
export const mapName = {
  register: (field: string) => `r:${field}`,
  set: (field: string) => `s:${field}`,
  counter: (field: string) => `c:${field}`,
} as const;

export type RegisterValue = string | number | boolean | null;
type RegisterEntry = readonly [stamp: number, value: RegisterValue];

export function writerKey(doc: Y.Doc): string {
  return String(doc.clientID);
}

/** The register's winning entry: highest stamp, then highest writer; `undefined` when never written. */
export function readRegister(doc: Y.Doc, field: string): { readonly value: unknown; readonly stamp: number; readonly writer: string } | undefined {
  let best: { value: unknown; stamp: number; writer: string } | undefined;
  for (const [writer, entry] of doc.getMap<unknown>(mapName.register(field))) {
    const stamp = Array.isArray(entry) && typeof entry[0] === 'number' ? entry[0] : -Infinity;
    if (!best || stamp > best.stamp || (stamp === best.stamp && writer > best.writer)) {
      best = { value: Array.isArray(entry) ? (entry as unknown[])[1] : undefined, stamp, writer };
    }
  }
  return best;
}

/** Writes a register (see above). `stamp: null` stamps one past the highest seen, with no clock: what migrations use. */
export function writeRegister(doc: Y.Doc, field: string, value: RegisterValue, writer: string, now: number | null): void {
  const map = doc.getMap<RegisterEntry>(mapName.register(field));
  let highest = -Infinity;
  for (const entry of map.values()) if (Array.isArray(entry) && typeof entry[0] === 'number') highest = Math.max(highest, entry[0]);
  const current = readRegister(doc, field);
  if (current && current.value === value && (now === null || current.writer === writer)) return;
  const next = Number.isFinite(highest) ? highest + 1 : 1;
  const stamp = now === null ? next : Math.max(now, next);
  doc.transact(() => {
    for (const key of [...map.keys()]) if (key !== writer) map.delete(key);
    map.set(writer, [stamp, value]);
  });
}

/** The set's members, sorted (a map's iteration order differs between replicas). */
export function readSet(doc: Y.Doc, field: string): string[] {
  return [...doc.getMap<unknown>(mapName.set(field)).keys()].sort();
}

export function changeSet(doc: Y.Doc, field: string, add: readonly string[], remove: readonly string[], whole: boolean): void {
  const map = doc.getMap<boolean>(mapName.set(field));
  doc.transact(() => {
    const kept = new Set(add);
    for (const member of whole ? [...map.keys()].filter((key) => !kept.has(key)) : remove) map.delete(member);
    // A whole-set patch re-adds nothing already there (no growth per save); an explicit add always writes, so it wins.
    for (const member of add) if (!whole || !map.has(member)) map.set(member, true);
  });
}

/** The counter's value: every writer's total, summed (entries that are not integers are skipped). */
export function readCounter(doc: Y.Doc, field: string): { readonly value: number; readonly bad: readonly unknown[] } {
  let value = 0;
  const bad: unknown[] = [];
  for (const total of doc.getMap<unknown>(mapName.counter(field)).values()) {
    if (typeof total === 'number' && Number.isSafeInteger(total)) value += total;
    else bad.push(total);
  }
  return { value, bad };
}

export function incrementCounter(doc: Y.Doc, field: string, by: number, writer: string): void {
  if (by === 0) return;
  const map = doc.getMap<number>(mapName.counter(field));
  const own = map.get(writer);
  map.set(writer, (typeof own === 'number' ? own : 0) + by);
}
