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

/** Collects authors by user: verified if any source verified them, with their latest change. */
class AuthorTally {
  private readonly byUser = new Map<string, { verified: boolean; lastChangeAt: number | null }>();

  add(user: string, verified: boolean, at?: number): void {
    const known = this.byUser.get(user) ?? { verified: false, lastChangeAt: null };
    const time = at !== undefined && Number.isFinite(at) && at > 0 ? at : null;
    this.byUser.set(user, {
      verified: known.verified || verified,
      lastChangeAt: time === null ? known.lastChangeAt : Math.max(time, known.lastChangeAt ?? 0),
    });
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
  for (const source of [list, ...taskDocs]) {
    const names = new Map<unknown, string>([...source.doc.share].map(([name, type]) => [type, name]));
    for (const [client, user] of claims(source.doc)) {
      if (wroteContent(source.doc, client, names)) tally.add(user, source.verify(client, user));
    }
  }
  // Each replica's last move of a task is kept under `m<client>` as [order, at, clock].
  for (const entry of list.doc.getMap<EntryMap>('tasks').values()) {
    for (const [key, value] of entry.entries()) {
      if (!key.startsWith('m') || !Array.isArray(value)) continue;
      const client = Number(key.slice(1));
      const user = Number.isSafeInteger(client) ? claimedUser(list.doc, client) : undefined;
      const at: unknown = value[1];
      if (user !== undefined && typeof at === 'number') tally.add(user, list.verify(client, user), at);
    }
  }
  for (const task of tasks) {
    tally.addAuthor(task.createdBy, task.createdAt);
    tally.addAuthor(task.updatedBy, task.updatedAt);
    tally.addAuthor(task.completedBy, task.completedAt);
    tally.addAuthor(task.deletedBy, task.deletedAt);
  }
  return tally.result();
}
