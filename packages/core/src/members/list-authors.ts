/**
 * Who wrote to a list: every user a claim of the list's documents names (the list document and each task document in
 * memory) whose replica wrote more than bookkeeping, and every author the tasks' attributed fields name (which covers tasks shown from a stored view before their
 * document is read). Where the claims are kept is this module's business alone: callers read `ListAuthor`s.
 */
import * as Y from 'yjs';
import { AUTHORS_MAP, claims, claimedUser, type Author, type Verifier } from '../attribution/authors.js';
import type { EntryMap } from '../model/list-doc.js';

/** One person who wrote to a list or to any of its tasks, as the documents' claims name them. */
export interface ListAuthor {
  /** The user id their replica claimed: the token `sub` on a relay with authentication, else the app's `userId`. */
  readonly user: string;
  /**
   * A relay with authentication confirmed at least one of their claims. Such a relay refuses any claim that names
   * someone but the connection's user, so a confirmed name was not borrowed; false: declared by the writing replica,
   * unchecked (every author on a relay without authentication, or before the relay's confirmation arrived).
   */
  readonly verified: boolean;
  /**
   * The time of the latest change attributed to them (creating, editing, completing, moving or deleting a task), in
   * ms since the epoch by the writer's clock; null when none of their changes carries a time (a claim alone, say).
   */
  readonly lastChangeAt: number | null;
}

/** A document whose claims count, with which of them a relay confirmed. */
export interface ClaimSource {
  readonly doc: Y.Doc;
  readonly verify: Verifier;
}

/** The attributed fields of a task as the list shows it. */
export interface AttributedTask {
  readonly createdBy?: Author;
  readonly createdAt: number;
  readonly updatedBy?: Author;
  readonly updatedAt: number;
  readonly completedBy?: Author;
  readonly completedAt?: number;
  readonly deletedBy?: Author;
  readonly deletedAt?: number;
}

/**
 * Root types a replica writes without anyone changing the list: its claim, and the record of which versions of the
 * app's schema wrote the list (`schemaVersions`) or a task (`versions`), which a replica adds when it opens the list.
 */
const BOOKKEEPING = new Set([AUTHORS_MAP, 'schemaVersions', 'versions']);

/**
 * Whether `client` wrote anything to `doc` besides bookkeeping. The claim is written in the same transaction as the
 * replica's first write, so this looks at a few structs per client in the usual case.
 */
function wroteContent(doc: Y.Doc, client: number, names: ReadonlyMap<unknown, string>): boolean {
  for (const struct of doc.store.clients.get(client) ?? []) {
    // Garbage-collected content was written, then deleted: a change all the same.
    if (!(struct instanceof Y.Item)) {
      if (struct instanceof Y.GC) return true;
      continue;
    }
    let type: unknown = struct.parent;
    while (type instanceof Y.AbstractType && type._item !== null) type = type._item.parent;
    if (!BOOKKEEPING.has(names.get(type) ?? '')) return true;
  }
  return false;
}

/** Each document's writing claims and (list documents) moves, with the sum of its state vector when they were read. */
const claimsCache = new WeakMap<Y.Doc, { readonly clocks: number; readonly claims: ReadonlyArray<readonly [number, string]> }>();
const movesCache = new WeakMap<Y.Doc, { readonly clocks: number; readonly moves: ReadonlyArray<readonly [number, string, number]> }>();

/** The sum of a document's state vector: it grows with every struct written to the document. */
function clockSum(doc: Y.Doc): number {
  let clocks = 0;
  for (const structs of doc.store.clients.values()) {
    const last = structs[structs.length - 1];
    if (last !== undefined) clocks += last.id.clock + last.length;
  }
  return clocks;
}

/** Each replica's last move of each task, kept in the task's entry under `m<client>` as [order, at, clock]: who, when. */
function moves(listDoc: Y.Doc): ReadonlyArray<readonly [number, string, number]> {
  const clocks = clockSum(listDoc);
  const cached = movesCache.get(listDoc);
  if (cached?.clocks === clocks) return cached.moves;
  const found: Array<readonly [number, string, number]> = [];
  for (const entry of listDoc.getMap<EntryMap>('tasks').values()) {
    for (const [key, item] of entry._map) {
      if (!key.startsWith('m') || item.deleted) continue;
      const value: unknown = item.content.getContent()[0];
      const client = Number(key.slice(1));
      const user = Number.isSafeInteger(client) ? claimedUser(listDoc, client) : undefined;
      const at: unknown = Array.isArray(value) ? value[1] : undefined;
      if (user !== undefined && typeof at === 'number') found.push([client, user, at]);
    }
  }
  movesCache.set(listDoc, { clocks, moves: found });
  return found;
}

/**
 * The claims of `doc` whose client wrote more than bookkeeping, read again only once the document gained structs (any
 * write adds to the sum of its state vector): a list's `authors()` after one edit reads one document, not all of them.
 */
function writingClaims(doc: Y.Doc): ReadonlyArray<readonly [number, string]> {
  const clocks = clockSum(doc);
  const cached = claimsCache.get(doc);
  if (cached?.clocks === clocks) return cached.claims;
  const names = new Map<unknown, string>([...doc.share].map(([name, type]) => [type, name]));
  const found = [...claims(doc)].filter(([client]) => wroteContent(doc, client, names));
  claimsCache.set(doc, { clocks, claims: found });
  return found;
}

/** Collects authors by user: verified if any source verified them, with their latest change. */
class AuthorTally {
  private readonly byUser = new Map<string, { verified: boolean; lastChangeAt: number | null }>();

  add(user: string, verified: boolean, at?: number): void {
    let known = this.byUser.get(user);
    if (known === undefined) this.byUser.set(user, (known = { verified: false, lastChangeAt: null }));
    known.verified ||= verified;
    if (at !== undefined && Number.isFinite(at) && at > 0) known.lastChangeAt = Math.max(at, known.lastChangeAt ?? 0);
  }

  addAuthor(author: Author | undefined, at?: number): void {
    if (author !== undefined) this.add(author.user, author.verified, at);
  }

  /** Most recent change first; authors without a timed change last, by user id. */
  result(): ListAuthor[] {
    return [...this.byUser]
      .map(([user, { verified, lastChangeAt }]) => ({ user, verified, lastChangeAt }))
      .sort((a, b) => (b.lastChangeAt ?? -1) - (a.lastChangeAt ?? -1) || a.user.localeCompare(b.user));
  }
}

/**
 * The authors of a list: from the claims of `list` and of `taskDocs`, the moves the list document records per
 * replica, and the attributed fields of `tasks` (live and in the trash).
 */
export function listAuthors(list: ClaimSource, taskDocs: Iterable<ClaimSource>, tasks: Iterable<AttributedTask>): ListAuthor[] {
  const tally = new AuthorTally();
  const count = (source: ClaimSource) => {
    for (const [client, user] of writingClaims(source.doc)) tally.add(user, source.verify(client, user));
  };
  count(list);
  for (const source of taskDocs) count(source);
  for (const [client, user, at] of moves(list.doc)) tally.add(user, list.verify(client, user), at);
  for (const task of tasks) {
    tally.addAuthor(task.createdBy, task.createdAt);
    tally.addAuthor(task.updatedBy, task.updatedAt);
    tally.addAuthor(task.completedBy, task.completedAt);
    tally.addAuthor(task.deletedBy, task.deletedAt);
  }
  return tally.result();
}
