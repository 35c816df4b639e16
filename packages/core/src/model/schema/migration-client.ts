import { digest } from 'lib0/hash/sha256';
import * as Y from 'yjs';
import { writeUnclaimed } from '../../attribution/authors.js';

/**
 * The Yjs client id a migration writes under: a digest of the document's whole state (its state vector and delete
 * set, which fix every struct and deletion it holds), the version migrated to and the patch written (field, type and
 * value, in the order they are written). Two replicas migrating one task from the same state compute the same id and
 * write byte-identical structs under it, so when they meet Yjs keeps one copy: a migrated text reads once, never
 * twice, and nothing typed after it depends on which copy wins. Any difference in the inputs (a state one replica
 * had and the other had not, another build's migration) gives another id, so two different writes never share one
 * (Yjs would keep only one of them, and replicas would disagree for good).
 */
export function migrationClientId(doc: Y.Doc, version: number, patch: ReadonlyArray<readonly [field: string, type: string, value: unknown]>): number {
  const stateVector = Y.encodeStateVector(doc);
  // An update from the document's own state vector holds no struct, only the whole delete set, in a canonical order.
  const deleteSet = Y.encodeStateAsUpdate(doc, stateVector);
  const described = new TextEncoder().encode(JSON.stringify(['concord.migration.1', version, patch]));
  const input = new Uint8Array(stateVector.length + deleteSet.length + described.length);
  input.set(stateVector, 0);
  input.set(deleteSet, stateVector.length);
  input.set(described, stateVector.length + deleteSet.length);
  const hash = digest(input);
  return ((hash[0]! << 24) | (hash[1]! << 16) | (hash[2]! << 8) | hash[3]!) >>> 0;
}

/**
 * Runs `write` as one transaction of `doc` under the migration's client id (see `migrationClientId`), making no
 * authorship claim for it: the id is nobody's. Falls back to the document's own id when the computed one already
 * wrote to this document (a digest collision: sharing it would mix two writers' structs) or a transaction is running.
 */
export function writeAsMigration(doc: Y.Doc, client: number, write: () => void, origin: unknown): void {
  if (doc.store.clients.has(client) || doc._transaction !== null) return doc.transact(write, origin);
  writeUnclaimed(doc, client, () => doc.transact(write, origin));
}
