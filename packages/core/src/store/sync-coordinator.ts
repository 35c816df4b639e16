import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { ListId } from '../model/ids.js';
import type { PersistedDocument } from '../persistence/persistence.js';
import type { SyncDocument, SyncStatus, Transport } from '../transport/transport.js';
import { TabSync } from './tab-sync.js';
import type { TaskSlot } from './task-slot.js';

/** Where the clocks the relay confirmed for a document are kept, beside its state: pending counts survive a reload. */
const CONFIRMED_META = 'confirmed';
const OFFLINE: SyncStatus = { state: 'offline', pendingChanges: 0, lastSyncedAt: null };

/** What the coordinator needs of its list. */
export interface SyncHost {
  readonly id: ListId;
  readonly listDoc: Y.Doc;
  readonly awareness: Awareness;
  isClosed(): boolean;
  listPersisted(): PersistedDocument | null;
  slotByName(name: string): TaskSlot | undefined;
  emitStatus(status: SyncStatus): void;
  readonly emitError: (error: Error) => void;
}

/**
 * Hands a list's loaded documents to the transport (with the clocks the relay last confirmed for each) and to the
 * other tabs of this browser, stores the clocks the relay confirms, and derives the list's status from the transport's.
 */
export class SyncCoordinator {
  private readonly tabs: TabSync | null;
  private syncingList = false;
  /** Set once every document found at load is handed to the transport. */
  private allSyncing = false;

  constructor(
    private readonly host: SyncHost,
    private readonly transport: Transport | null,
    syncTabs: boolean,
  ) {
    this.tabs = syncTabs && TabSync.available ? new TabSync(host.id) : null;
    transport?.on('status', this.forwardStatus);
    transport?.on('confirmed', this.persistConfirmed);
    transport?.on('error', host.emitError);
  }

  get status(): SyncStatus {
    return this.listStatus(this.transport?.status ?? OFFLINE);
  }

  /** Every document found at load is handed over (`start` resolved for them): the list may now be synced. */
  allStarted(): void {
    this.allSyncing = true;
    this.forwardStatus(this.transport?.status ?? OFFLINE);
  }

  /** Hands loaded documents (and the list document, once bound) to the other tabs and the transport. */
  async start(slots: readonly TaskSlot[]): Promise<void> {
    const { host } = this;
    if (host.isClosed()) return;
    this.tabs?.add([
      { name: host.id, doc: host.listDoc },
      ...slots.filter((slot) => slot.state === 'ready').map((slot) => ({ name: slot.name, doc: slot.doc })),
    ]);
    const transport = this.transport;
    if (!transport) return;
    const pending: Array<Promise<SyncDocument>> = [];
    const listPersisted = host.listPersisted();
    if (listPersisted && !this.syncingList) {
      this.syncingList = true;
      pending.push(this.syncDocument(host.id, host.listDoc, listPersisted, host.awareness));
    }
    for (const slot of slots) {
      if (slot.state === 'ready' && slot.persistedDocument) pending.push(this.syncDocument(slot.name, slot.doc, slot.persistedDocument));
    }
    const documents = await Promise.all(pending);
    if (!host.isClosed()) transport.add(documents);
  }

  /** Stops syncing documents (a task purged, or the list closing). */
  remove(names: readonly string[]): void {
    this.transport?.remove(names);
    for (const name of names) this.tabs?.remove(name);
  }

  close(names: readonly string[]): void {
    const { transport } = this;
    transport?.off('status', this.forwardStatus);
    transport?.off('confirmed', this.persistConfirmed);
    transport?.off('error', this.host.emitError);
    transport?.remove(names);
    this.tabs?.destroy();
  }

  private async syncDocument(name: string, doc: Y.Doc, persisted: PersistedDocument, awareness?: Awareness): Promise<SyncDocument> {
    const confirmed = await persisted.getMeta(CONFIRMED_META);
    return { name, doc, ...(awareness && { awareness }), ...(confirmed && { confirmed }) };
  }

  private readonly persistConfirmed = (name: string, stateVector: Uint8Array): void => {
    const persisted = name === this.host.id ? this.host.listPersisted() : this.host.slotByName(name)?.persistedDocument;
    persisted?.setMeta(CONFIRMED_META, stateVector).catch((error: unknown) => this.host.emitError(asError(error)));
  };

  private readonly forwardStatus = (status: SyncStatus): void => this.host.emitStatus(this.listStatus(status));

  /** The transport may be synced before this list's documents are all handed to it: the list is not, yet. */
  private listStatus(status: SyncStatus): SyncStatus {
    return status.state === 'synced' && !this.allSyncing ? { ...status, state: 'syncing' } : status;
  }
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
