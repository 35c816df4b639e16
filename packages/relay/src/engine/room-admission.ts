import { ClientIdTakenError, CorruptUpdateError, UnmetDependencyError, type RelayError } from '../errors.js';
import type { DocumentStorage } from '../storage/document-storage.js';
import { claimsAreOwn } from './author-claims.js';
import type { RoomMember } from './member.js';
import type { Room, WriteContext } from './room.js';
import type { PendingWrite } from './write-batcher.js';
import { WriteGate, type GateHandlers, type GateRefusal, type GateWrite } from './write-gate.js';

export interface RoomAdmissionHandlers {
  /** The update may be stored and forwarded: queue it for the room's next write batch. */
  admitted(write: PendingWrite<WriteContext>): void;
  /** The update is refused, never stored or forwarded. */
  refused(write: GateWrite<WriteContext>, error: RelayError, reason: GateRefusal): void;
  /** The room's client bindings could not be read: these writes are refused as a storage failure. */
  failed(writes: PendingWrite<WriteContext>[], error: unknown): void;
}

/**
 * What stands between a room's writers and its write batch: each room's `WriteGate` (the screen, held-back updates,
 * client ids that belong to their writer), fed in arrival order. An authenticated writer's first write in a room waits
 * for the room's client bindings to be read from storage; later writes of the room queue behind it.
 */
export class RoomAdmission {
  constructor(
    private readonly storage: DocumentStorage,
    /** The author of other relays' updates: trusted to fill gaps, since relays may deliver a client's updates out of order. */
    private readonly peer: RoomMember,
    private readonly handlers: RoomAdmissionHandlers,
  ) {}

  enter(room: Room, update: Uint8Array, context: WriteContext): void {
    if (room.intake !== null) {
      room.intake.push({ update, context });
      return;
    }
    if (room.bindings === null && context.from.author !== undefined) {
      room.intake = [{ update, context }];
      this.storage.loadClientBindings(room.doc).then(
        (bindings) => {
          room.bindings = bindings;
          const waiting = room.intake ?? [];
          room.intake = null;
          for (const write of waiting) this.enter(room, write.update, write.context);
        },
        (error: unknown) => {
          const waiting = room.intake ?? [];
          room.intake = null;
          this.handlers.failed(waiting.map((write) => ({ doc: room.doc, ...write })), error);
        },
      );
      return;
    }
    // Created on the room's first write, from the clocks of its stored log: rooms that are only read pay nothing.
    (room.gate ??= new WriteGate<WriteContext>(room.log.stateVector(), this.#gateHandlers)).submit(update, context.decoded, context);
  }

  /** One set of handlers for every room's gate (each write's context names its room): a loaded room costs no closures. */
  readonly #gateHandlers: GateHandlers<WriteContext> = {
    admit: (writes) => {
      for (const { update, context: given, binds, trimmed } of writes) {
        // Cut by the gate: the room's log reads the clocks of what is stored.
        const context = trimmed === undefined ? given : { ...given, decoded: trimmed };
        const doc = context.room.doc;
        this.handlers.admitted(binds === undefined ? { doc, update, context } : { doc, update, context, binds });
      }
    },
    refuse: (write, reason) => this.handlers.refused(write, refusalError(write.context.room.doc, reason), reason),
    mayFill: (filler, held) => filler.from === held.from || filler.from === this.peer,
    authorize: ({ room, from, decoded }, advances) => {
      if (from.author === undefined || room.bindings === null) return undefined;
      return claimsAreOwn(decoded, from.author) ? bindClientIds(room.bindings, advances, from.author) : 'false_claim';
    },
    mayWrite: ({ room, from }, clients) => {
      const { bindings } = room;
      if (from.author === undefined || bindings === null) return true;
      for (const client of clients) if ((bindings.get(client) ?? from.author) !== from.author) return false;
      return true;
    },
  };
}

function refusalError(doc: string, reason: GateRefusal): RelayError {
  switch (reason) {
    case 'client_id_taken':
      return new ClientIdTakenError(doc);
    case 'false_claim':
      return new ClientIdTakenError(doc, 'claims a client id for a user other than its writer');
    case 'empty_delete_range':
    case 'empty_struct':
    case 'self_reference':
    case 'repeated_client':
      return new CorruptUpdateError(doc, reason);
    default:
      return new UnmetDependencyError(doc, reason);
  }
}

/**
 * The client ids in `advances` that `author` is the first to write with, now bound to it in `bindings`; undefined when
 * there is none; 'client_id_taken' (and nothing bound) when one of them belongs to another user.
 */
function bindClientIds(bindings: Map<number, string>, advances: ReadonlyMap<number, number>, author: string): 'client_id_taken' | Map<number, string> | undefined {
  let binds: Map<number, string> | undefined;
  for (const client of advances.keys()) {
    const owner = bindings.get(client);
    if (owner === undefined) (binds ??= new Map()).set(client, author);
    else if (owner !== author) return 'client_id_taken';
  }
  if (binds !== undefined) for (const [client, user] of binds) bindings.set(client, user);
  return binds;
}
