import { AUTHORS_MAP } from '@concord/core/protocol';
import * as Y from 'yjs';
import type { DecodedUpdate } from './update-screen.js';

/**
 * Whether every claim an update writes is its writer's own: an entry of the documents' root `authors` map (where each
 * replica claims its Yjs client id for its user) keyed by the client id that writes it and naming `author`, the token
 * `sub` of the connection. Replicas read a claim only when its key is the client id that wrote it, and client ids
 * belong to their first writer, so a claim the relay admitted names the person who wrote with that client id.
 *
 * A claim is a map entry written with no left neighbour, so its parent (the root name) and key travel with it; only
 * those are read. Entries written over an earlier one (a later neighbour) carry neither: replicas ignore them, since
 * their key is never the writer's own client id's first claim. The walk reads fields the relay decoded already.
 */
export function claimsAreOwn(update: DecodedUpdate, author: string): boolean {
  for (const struct of update.structs) {
    // A decoded struct's parent is the root type's name when it has one (Yjs types it as the integrated parent).
    if (!(struct instanceof Y.Item) || (struct.parent as unknown) !== AUTHORS_MAP) continue;
    if (struct.parentSub !== String(struct.id.client)) return false;
    const content = struct.content;
    if (!(content instanceof Y.ContentAny) || content.arr.length !== 1 || content.arr[0] !== author) return false;
  }
  return true;
}
