import * as Y from 'yjs';
import { AUTHORS_MAP, EDITS_KEY } from '../protocol/document-schema.js';

/**
 * Claims live in the `AUTHORS_MAP` root map of every document. A claim counts only when the map entry was itself
 * written with the client id it names, so nobody can claim someone else's client id.
 */
export { AUTHORS_MAP };

/** Who made a change, as the documents say. */
export interface Author {
  /** The user id the writing replica claimed (its token `sub` when the relay verified it). */
  readonly user: string;
  /** A relay with authentication confirmed the claim; false: the replica's declared `userId`, unchecked. */
  readonly verified: boolean;
}

/** Whether the relay confirmed that `client` of a document belongs to `user`. */
export type Verifier = (client: number, user: string) => boolean;

export const unverified: Verifier = () => false;

/**
 * Makes `doc` claim its client id for `userId` in the first local transaction that writes with it (the claim is part of
 * that transaction, so it reaches every replica and the relay in the same update as the first change). Replicas never
 * overwrite a claim: each writes only its own key.
 */
export function claimAuthorship(doc: Y.Doc, userId: string): void {
  keepClaims(doc);
  let claimed = -1;
  doc.on('beforeTransaction', (transaction: Y.Transaction) => {
    // Yjs replaces the client id when another replica turns out to use it: claim the new one too.
    if (!transaction.local || claimed === doc.clientID || unclaimed.has(doc)) return;
    claimed = doc.clientID;
    const authors = doc.getMap<string>(AUTHORS_MAP);
    if (claimOf(authors, doc.clientID) !== userId) authors.set(String(doc.clientID), userId);
  });
}

/** Documents writing under a client id no user owns just now (see `writeUnclaimed`). */
const unclaimed = new WeakSet<Y.Doc>();

/**
 * Runs `write` (which makes its own transactions) with `doc` writing under `client`, a client id shared by every
 * replica that makes the same write (a migration's), so no claim is made for it; then the document's own id is back.
 */
export function writeUnclaimed(doc: Y.Doc, client: number, write: () => void): void {
  const own = doc.clientID;
  doc.clientID = client;
  unclaimed.add(doc);
  try {
    write();
  } finally {
    unclaimed.delete(doc);
    doc.clientID = own;
  }
}

/**
 * Keeps the content of claims someone overwrote or deleted, so the claim still names its writer (Yjs otherwise drops
 * the content of a deleted item), and of deleted edit records, which later records of their author are written against.
 * Call it on a document before applying anything to it, wherever claims or edit records are read.
 */
export function keepClaims(doc: Y.Doc): void {
  const authors = doc.getMap<string>(AUTHORS_MAP);
  const collect = doc.gcFilter;
  doc.gcFilter = (item) => item.parent !== authors && item.parent !== doc.share.get(EDITS_KEY) && collect(item);
}

/** The user `client` claimed in `doc`'s authors map, if it did. */
export function claimedUser(doc: Y.Doc, client: number): string | undefined {
  return claimOf(doc.getMap<string>(AUTHORS_MAP), client);
}

function claimOf(authors: Y.Map<string>, client: number): string | undefined {
  // The claim is the first entry of the key written with the client id itself. Later values of the key (written under
  // another client id, or by the same one again) are ignored: a relay with authentication checks the first entry of a
  // key (its parent and key travel with it) but cannot see which key a later entry, placed by its neighbours, belongs to.
  let first: Y.Item | null = null;
  for (let item = authors._map.get(String(client)) ?? null; item !== null; item = item.left) {
    if (item.id.client === client && (first === null || item.id.clock < first.id.clock)) first = item;
  }
  if (first === null || first.content instanceof Y.ContentDeleted) return undefined;
  const value: unknown = first.content.getContent()[0];
  return typeof value === 'string' ? value : undefined;
}

/** The author of what `client` wrote in `doc`; undefined when nothing claims it. */
export function authorOf(doc: Y.Doc, client: number | undefined, verify: Verifier = unverified): Author | undefined {
  if (client === undefined) return undefined;
  const user = claimedUser(doc, client);
  return user === undefined ? undefined : { user, verified: verify(client, user) };
}

/** The client id that wrote the value `map` holds under `key` now (the last writer), if any. */
export function writerOf<T>(map: Y.Map<T>, key: string): number | undefined {
  const item = map._map.get(key);
  return item === undefined || item.deleted ? undefined : item.id.client;
}

/** Every claim of `doc` that stands (written with its own client id): client id → user. */
export function claims(doc: Y.Doc): Map<number, string> {
  const found = new Map<number, string>();
  const authors = doc.getMap<string>(AUTHORS_MAP);
  for (const key of authors.keys()) {
    const client = Number(key);
    const user = Number.isSafeInteger(client) ? claimOf(authors, client) : undefined;
    if (user !== undefined) found.set(client, user);
  }
  return found;
}

/** A document's state vector (per client id, the next clock it lacks). */
export function stateVectorOf(doc: Y.Doc): Map<number, number> {
  return Y.decodeStateVector(Y.encodeStateVector(doc));
}
