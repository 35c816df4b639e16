import * as Y from 'yjs';
import { ClockTable } from './clock-table.js';
import { screenUpdate, type CorruptReason, type DecodedUpdate } from './update-screen.js';

type Accepted = Extract<ReturnType<typeof screenUpdate>, { verdict: 'accept' }>;

/** Held-back updates one room keeps at most, by count and by bytes; past either, the newest is refused. */
export const HELD_UPDATES_LIMIT = 64;
export const HELD_BYTES_LIMIT = 1024 * 1024;
/** How long an update may wait for what it depends on before it is refused. */
export const HELD_TIMEOUT_MS = 30_000;

export interface GateWrite<C> {
  readonly update: Uint8Array;
  readonly context: C;
  /** Client ids this update is the first to write with, bound to its writer (see `GateHandlers.authorize`). */
  readonly binds?: ReadonlyMap<number, string>;
  /**
   * Set when the gate cut off structs repeating clocks the room held: `update` is then what is left (possibly the empty
   * update, which nothing needs to store or forward), and this its decoding.
   */
  readonly trimmed?: DecodedUpdate;
}

export type GateRefusal = CorruptReason | 'held_limit' | 'held_timeout' | 'writer_left' | 'gap_filled_by_another' | 'client_id_taken' | 'false_claim';

export interface GateHandlers<C> {
  /** Updates that may be stored and forwarded, in the order they must be stored. */
  admit(writes: readonly GateWrite<C>[]): void;
  refuse(write: GateWrite<C>, reason: GateRefusal): void;
  /**
   * Whether `filler`'s update may fill a gap that `held` left on a client id: the same writer, or a source trusted to
   * deliver a client's updates out of order (another relay).
   */
  mayFill(filler: C, held: C): boolean;
  /**
   * Whether the writer of `context` may extend the client ids in `advances`: 'client_id_taken' when one belongs to
   * someone else, 'false_claim' when the update claims a client id for another user, otherwise the client ids it is
   * the first to write with (bound to it from now on), or undefined.
   */
  authorize(context: C, advances: ReadonlyMap<number, number>): 'client_id_taken' | 'false_claim' | ReadonlyMap<number, string> | undefined;
  /** Whether the writer of `context` may write with every one of `clients` (nothing is bound by asking). */
  mayWrite(context: C, clients: Iterable<number>): boolean;
}

interface Held<C> extends GateWrite<C> {
  readonly decoded: DecodedUpdate;
  /** Client ids whose own clocks the update leaves a gap on. */
  readonly gaps: ReadonlySet<number>;
  readonly timer: NodeJS.Timeout;
}

/**
 * What one room admits to storage: every update is screened (`screenUpdate`) against the clocks of every update admitted
 * before it, durable or still being written. Corrupt updates are refused. Updates that depend on what the room lacks
 * are held back, never stored or forwarded, and admitted once the updates they need have been admitted; a held update
 * that waits too long, or that the room has no room for, is refused.
 *
 * A gap on a client id may only be filled by the writer that left it (or another relay): an update that starts past
 * the clock of someone else's client id would otherwise take the clocks that person writes next, and every replica
 * would keep the stranger's structs in place of theirs. Once another writer extends that client id, the held update is
 * refused.
 *
 * Created on a room's first write: rooms that are only read pay nothing.
 */
export class WriteGate<C> extends ClockTable {
  // The gate is the room's clock table itself, and its list of held updates exists only while one is held: every room
  // that was written to keeps a gate, about 90 bytes.
  #held: Held<C>[] | null = null;
  #heldBytes = 0;

  constructor(
    stateVector: Uint8Array,
    private readonly handlers: GateHandlers<C>,
  ) {
    super(stateVector);
  }

  /** Updates held back now. */
  get heldCount(): number {
    return this.#held?.length ?? 0;
  }

  submit(update: Uint8Array, decoded: DecodedUpdate, context: C): void {
    const screening = screenUpdate(decoded, this);
    if (screening.verdict === 'refuse') return this.handlers.refuse({ update, context }, screening.reason);
    if (screening.verdict === 'hold') return this.#hold(update, decoded, screening.gaps, context);
    const admitted: GateWrite<C>[] = [];
    if (!this.#admit({ update, context }, screening, admitted)) return;
    if (this.#held !== null) this.#release(admitted);
    this.handlers.admit(admitted);
  }

  /** Refuses the held updates `matches` picks (for example those of a writer that left). */
  drop(matches: (context: C) => boolean, reason: GateRefusal): void {
    for (const held of (this.#held ?? []).filter((entry) => matches(entry.context))) this.#unhold(held, reason);
  }

  #hold(update: Uint8Array, decoded: DecodedUpdate, gaps: ReadonlySet<number>, context: C): void {
    // Waiting cannot make someone else's client id this writer's.
    if (!this.handlers.mayWrite(context, gaps)) return this.handlers.refuse({ update, context }, 'client_id_taken');
    if (this.heldCount >= HELD_UPDATES_LIMIT || this.#heldBytes + update.byteLength > HELD_BYTES_LIMIT) {
      return this.handlers.refuse({ update, context }, 'held_limit');
    }
    const held: Held<C> = { update, decoded, gaps, context, timer: setTimeout(() => this.#unhold(held, 'held_timeout'), HELD_TIMEOUT_MS) };
    held.timer.unref();
    (this.#held ??= []).push(held);
    this.#heldBytes += update.byteLength;
  }

  #unhold(held: Held<C>, reason: GateRefusal | null): void {
    const list = this.#held;
    const index = list?.indexOf(held) ?? -1;
    if (list === null || index === -1) return;
    list.splice(index, 1);
    if (list.length === 0) this.#held = null;
    this.#heldBytes -= held.update.byteLength;
    clearTimeout(held.timer);
    if (reason !== null) this.handlers.refuse(held, reason);
  }

  /** Admits every held update whose needs the clocks now meet, in arrival order, until none is left to admit. */
  #release(admitted: GateWrite<C>[]): void {
    for (let progress = true; progress; ) {
      progress = false;
      for (const held of [...(this.#held ?? [])]) {
        if (this.#held?.includes(held) !== true) continue; // refused meanwhile
        const screening = screenUpdate(held.decoded, this);
        if (screening.verdict === 'hold') continue;
        this.#unhold(held, null);
        if (screening.verdict === 'refuse') this.handlers.refuse(held, screening.reason);
        else progress = this.#admit(held, screening, admitted) || progress;
      }
    }
  }

  /** Admits an update the screen accepted, unless its writer may not extend its client ids; false when refused. */
  #admit(write: GateWrite<C>, { advances, repeats }: Accepted, admitted: GateWrite<C>[]): boolean {
    const binds = this.handlers.authorize(write.context, advances);
    if (binds === 'client_id_taken' || binds === 'false_claim') {
      this.handlers.refuse(write, binds);
      return false;
    }
    // Clocks the room holds keep the content it admitted first. A repeat with other content (a corrupted or forged
    // copy) would otherwise reach receivers beside the original: each Yjs replica keeps whichever it applies first, and
    // a merge of both keeps the one starting at the lower clock, so replicas, catch-ups and the stored log would each
    // show other text under the same clocks and never converge. Cut against every admitted update, durable or not.
    let update = write.update;
    let decoded: DecodedUpdate | undefined;
    if (repeats) {
      update = Y.diffUpdate(update, this.encode());
      decoded = Y.decodeUpdate(update); // Yjs's own diff: one block per client
    }
    this.#advance(advances, write.context);
    admitted.push({ update, context: write.context, ...(binds !== undefined && { binds }), ...(decoded !== undefined && { trimmed: decoded }) });
    return true;
  }

  #advance(advances: ReadonlyMap<number, number>, writer: C): void {
    for (const [client, clock] of advances) this.set(client, clock);
    if (this.#held === null) return;
    for (const held of [...this.#held]) {
      if (this.handlers.mayFill(writer, held.context)) continue;
      for (const client of held.gaps) {
        if (advances.has(client)) {
          this.#unhold(held, 'gap_filled_by_another');
          break;
        }
      }
    }
  }
}
