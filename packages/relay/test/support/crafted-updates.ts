import * as encoding from 'lib0/encoding';

/**
 * Hand-built Yjs updates (format v1), for the shapes a buggy or hostile client can send and Yjs itself never writes:
 * a struct referring to its own client's future, a zero-length deletion, structs that start past a client's clock.
 */
export interface CraftedItem {
  /** Inserted text (a ContentString). */
  readonly text: string;
  /** The left neighbour's id at creation; with neither origin, the item sits at the start of root type `parent`. */
  readonly origin?: readonly [client: number, clock: number];
  readonly rightOrigin?: readonly [client: number, clock: number];
  readonly parent?: string;
}

export interface CraftedUpdate {
  readonly structs?: readonly { readonly client: number; readonly clock: number; readonly items: readonly CraftedItem[] }[];
  readonly deletes?: readonly { readonly client: number; readonly ranges: readonly (readonly [clock: number, len: number])[] }[];
}

const CONTENT_STRING = 4;
const HAS_ORIGIN = 0x80;
const HAS_RIGHT_ORIGIN = 0x40;

export function craftUpdate({ structs = [], deletes = [] }: CraftedUpdate): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, structs.length);
  for (const { client, clock, items } of structs) {
    encoding.writeVarUint(encoder, items.length);
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
    for (const item of items) {
      const info = CONTENT_STRING | (item.origin ? HAS_ORIGIN : 0) | (item.rightOrigin ? HAS_RIGHT_ORIGIN : 0);
      encoding.writeUint8(encoder, info);
      for (const id of [item.origin, item.rightOrigin]) {
        if (id === undefined) continue;
        encoding.writeVarUint(encoder, id[0]);
        encoding.writeVarUint(encoder, id[1]);
      }
      if (!item.origin && !item.rightOrigin) {
        encoding.writeVarUint(encoder, 1); // the parent is a root type, named by a string
        encoding.writeVarString(encoder, item.parent ?? 't');
      }
      encoding.writeVarString(encoder, item.text);
    }
  }
  encoding.writeVarUint(encoder, deletes.length);
  for (const { client, ranges } of deletes) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, ranges.length);
    for (const [clock, len] of ranges) {
      encoding.writeVarUint(encoder, clock);
      encoding.writeVarUint(encoder, len);
    }
  }
  return encoding.toUint8Array(encoder);
}
