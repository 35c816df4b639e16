import * as Y from 'yjs';

/** The empty update (no structs, empty delete set): valid, but carries nothing and is never stored. */
export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0;
}

/**
 * Whether Yjs can decode the whole update. `Y.decodeUpdate` reads the delete set at the end, so it rejects truncated
 * updates that the cheaper readers accept; the argument must be an exact-size buffer (a view into a larger buffer lets lib0
 * read past the end without throwing).
 */
export function isDecodableUpdate(update: Uint8Array): boolean {
  if (update.byteLength < 2) return false;
  try {
    Y.decodeUpdate(update);
    return true;
  } catch {
    return false;
  }
}
