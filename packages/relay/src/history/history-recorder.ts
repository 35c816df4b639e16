import { AUTHORS_MAP } from '@concord/core/protocol';
import type { Logger } from 'pino';
import * as Y from 'yjs';
import { mergeUpdatesTree } from '../engine/merge-tree.js';
import type { RelayEngine } from '../engine/relay-engine.js';
import type { DocumentStorage } from '../storage/document-storage.js';
import { clientsSince, expiredCheckpoints, snapshotOfUpdate, type Checkpoint } from './checkpoint.js';

/** A document that changed gets a checkpoint at least this often while it keeps changing. */
export const CHECKPOINT_EVERY_MS = 3_600_000;

/** Where a `HistoryRecorder` keeps checkpoints, and how often it takes them. */
export interface HistoryRecorderOptions {
  readonly storage: DocumentStorage;
  readonly logger: Logger;
  /** The clock checkpoints are stamped with (tests set it). Default: `Date.now`. */
  readonly now?: () => number;
  /** How often to look for documents whose last checkpoint is older than `CHECKPOINT_EVERY_MS`. */
  readonly sweepMs?: number;
}

/**
 * Keeps each document's history: a checkpoint (history/checkpoint.ts) of a document that changed when the relay compacts
 * it, when its room unloads, and at least hourly while it keeps changing; older ones thinned out as they age
 * (`HISTORY_RETENTION`). Works from storage and engine events, off the update path: a checkpoint reads the document's
 * stored log once, merges it (usually one update after a compaction) and stores a few dozen bytes.
 */
export class HistoryRecorder {
  /** Documents changed since their last checkpoint: when the first change since then was stored. */
  readonly #changed = new Map<string, number>();
  readonly #running = new Map<string, Promise<void>>();
  readonly #now: () => number;
  readonly #sweep: NodeJS.Timeout;
  #closed = false;

  constructor(
    engine: RelayEngine,
    private readonly options: HistoryRecorderOptions,
  ) {
    this.#now = options.now ?? Date.now;
    engine.on('updatePersisted', (doc) => {
      if (!this.#changed.has(doc)) this.#changed.set(doc, this.#now());
    });
    engine.on('compacted', (doc) => this.#checkpointIfChanged(doc));
    engine.on('roomUnloaded', (doc) => this.#checkpointIfChanged(doc));
    this.#sweep = setInterval(() => this.sweep(), options.sweepMs ?? 60_000);
    this.#sweep.unref();
  }

  /** Checkpoints every document that changed and whose last checkpoint is older than `CHECKPOINT_EVERY_MS`. */
  sweep(): void {
    const now = this.#now();
    for (const [doc, since] of this.#changed) if (now - since >= CHECKPOINT_EVERY_MS) this.#checkpointIfChanged(doc);
  }

  /** Takes a checkpoint of `doc` now, or as of `at` (resolves once stored). */
  checkpoint(doc: string, at?: number): Promise<void> {
    const previous = this.#running.get(doc) ?? Promise.resolve();
    this.#changed.delete(doc);
    const run = previous.then(() => this.#take(doc, at ?? this.#now())).catch((error: unknown) => {
      this.options.logger.warn({ err: error, doc }, 'history checkpoint failed');
    });
    this.#running.set(doc, run);
    void run.then(() => {
      if (this.#running.get(doc) === run) this.#running.delete(doc);
    });
    return run;
  }

  /** Checkpoints what changed since the last checkpoints, then stops. Before the storage closes. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweep);
    for (const doc of [...this.#changed.keys()]) void this.checkpoint(doc);
    await Promise.all(this.#running.values());
  }

  /**
   * Checkpoints `doc` if it changed since its last checkpoint, and with a list document every changed document of the
   * list (`doc/…`): a version of a list is the list and its tasks as they were together. Resolves once stored.
   */
  async checkpointIfChanged(doc: string): Promise<void> {
    const docs = [doc, ...[...this.#changed.keys()].filter((name) => name.startsWith(`${doc}/`))];
    // One time for all of them: a restore to this version finds each document's checkpoint at or before it.
    const at = this.#now();
    for (const name of docs) if (this.#changed.has(name) && !this.#closed) void this.checkpoint(name, at);
    await Promise.all(docs.map((name) => this.#running.get(name) ?? Promise.resolve()));
  }

  #checkpointIfChanged(doc: string): void {
    if (this.#changed.has(doc) && !this.#closed) void this.checkpoint(doc);
  }

  #take(doc: string, now: number): Promise<void> {
    return storeCheckpoint(this.options.storage, doc, now);
  }
}

/**
 * Stores a checkpoint of `doc` as its storage holds it now (unless it equals the last one), attributed, and drops the
 * checkpoints the retention policy no longer keeps, in one write.
 */
export async function storeCheckpoint(storage: DocumentStorage, doc: string, now: number): Promise<void> {
  const checkpoint = await takeCheckpoint(storage, doc, now);
  if (checkpoint === null) return;
  const existing = await storage.listCheckpoints(doc);
  const last = existing.at(-1);
  if (last && sameBytes(last.snapshot, checkpoint.snapshot)) return;
  const at = Math.max(checkpoint.at, (last?.at ?? 0) + 1);
  const expired = expiredCheckpoints([...existing.map((each) => each.at), at], at).filter((time) => time !== at);
  const by = await writersSince(storage, doc, checkpoint.snapshot, last ?? null, checkpoint.merged);
  await storage.putCheckpoint(doc, { at, snapshot: checkpoint.snapshot, by }, expired);
}

/** A checkpoint of `doc` as its storage holds it now (`by` still empty; see `writersSince`); null for no stored update. */
export async function takeCheckpoint(storage: DocumentStorage, doc: string, at: number): Promise<(Checkpoint & { readonly merged: Uint8Array }) | null> {
  const updates = await storage.loadUpdates(doc);
  if (updates.length === 0) return null;
  const merged = mergeUpdatesTree(updates);
  return { at, snapshot: snapshotOfUpdate(merged), by: [], merged };
}

/**
 * Who wrote between `previous` and `snapshot`, sorted: the users the relay bound the client ids to (with
 * authentication), else the user each client claimed in the document's `authors` map, marked "(unverified)".
 */
export async function writersSince(storage: DocumentStorage, doc: string, snapshot: Uint8Array, previous: Checkpoint | null, merged: Uint8Array): Promise<string[]> {
  const clients = clientsSince(snapshot, previous?.snapshot ?? null);
  if (clients.length === 0) return [];
  const bindings = await storage.loadClientBindings(doc);
  const unbound = clients.filter((client) => !bindings.has(client));
  const claimed = unbound.length > 0 ? claimedAuthors(merged) : new Map<string, unknown>();
  const users = clients.flatMap((client) => {
    const bound = bindings.get(client);
    if (bound !== undefined) return [bound];
    const claim = claimed.get(String(client));
    return typeof claim === 'string' && claim !== '' ? [`${claim} (unverified)`] : [];
  });
  return [...new Set(users)].sort();
}

/** The document's `authors` map (client id → claimed user), read in a short-lived Y.Doc. */
function claimedAuthors(merged: Uint8Array): Map<string, unknown> {
  const doc = new Y.Doc({ guid: 'authors' });
  try {
    Y.applyUpdate(doc, merged);
    return new Map(doc.getMap<unknown>(AUTHORS_MAP).entries());
  } catch {
    return new Map();
  } finally {
    doc.destroy();
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i]);
}
