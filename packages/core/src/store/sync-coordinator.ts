import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { ListId, TaskId } from '../model/ids.js';
import type { PersistedDocument } from '../persistence/persistence.js';
import { decodeClocks } from '../transport/confirmed-clocks.js';
import type { SyncDocument, SyncStatus, Transport } from '../transport/transport.js';
import { sameStatus, tasksChangedInList, type ListSyncStatus } from './list-status.js';
import { TabSync } from './tab-sync.js';
import type { TaskSlot } from './task-slot.js';
import { UnconfirmedDeletions } from './unconfirmed-deletions.js';

/** Where the clocks the relay confirmed for a document are kept, beside its state: pending counts survive a reload. */
const CONFIRMED_META = 'confirmed';
/** Kept on the list document once a sync of the list completed on this device. */
const SYNCED_ONCE_META = 'synced-once';
/** Kept on the list document: deletions made here that the relay has not confirmed, by document and task. */
const DELETIONS_META = 'unconfirmed-deletions';
const OFFLINE: SyncStatus = { state: 'offline', pendingChanges: 0, lastSyncedAt: null };

/** What the coordinator needs of its list. */
export interface SyncHost {
  readonly id: ListId;
  readonly listDoc: Y.Doc;
  readonly awareness: Awareness;
  isClosed(): boolean;
  listPersisted(): PersistedDocument | null;
  readonly slots: ReadonlyMap<TaskId, TaskSlot>;
  /** Whether local storage held the list when it was opened (until the list's own record says whether it synced once). */
  storedLocally(): boolean;
  slotByName(name: string): TaskSlot | undefined;
  emitStatus(status: ListSyncStatus): void;
  readonly emitError: (error: Error) => void;
}

/**
 * Hands a list's loaded documents to the transport (with the clocks the relay last confirmed for each) and to the
 * other tabs of this browser, stores the clocks the relay confirms, and derives the list's status from where each of
 * its documents stands: `synced` is never claimed while a document of the list lacks what the relay held or a local
 * change is unconfirmed. Status events are coalesced: at most one per event-loop turn, and only when it changed.
 */
export class SyncCoordinator {
  private readonly tabs: TabSync | null;
  private syncingList = false;
  /** Set once every document found at load is handed to the transport. */
  private allSyncing = false;
  /** The list document's clocks the relay confirmed: its unconfirmed changes are attributed to the tasks they touch. */
  private listConfirmed = new Map<number, number>();
  /** Whether a sync of the list completed once on this device; null until the list document's record is read. */
  private syncedOnce: boolean | null = null;
  private wasSynced = false;
  private lastSyncedAt: number | null = null;
  private emitted: ListSyncStatus | null = null;
  private statusTimer: ReturnType<typeof setTimeout> | null = null;
  private recheckQueued = false;
  private readonly deletions = new UnconfirmedDeletions();
  private deletionsSaveQueued = false;

  constructor(
    private readonly host: SyncHost,
    private readonly transport: Transport | null,
    syncTabs: boolean,
  ) {
    this.tabs = syncTabs && TabSync.available ? new TabSync(host.id) : null;
    transport?.on('status', this.changed);
    transport?.on('documents', this.changed);
    transport?.on('documents', this.observeDeletions);
    transport?.on('confirmed', this.persistConfirmed);
    transport?.on('error', host.emitError);
  }

  /** The list's status now (events may lag it by a turn). */
  get status(): ListSyncStatus {
    const { host, transport } = this;
    const base = transport?.status ?? OFFLINE;
    const unsaved = new Set<TaskId>();
    let synced = 0;
    let listPending = false;
    const list = transport?.documentState(host.id);
    if (list?.caughtUp) synced++;
    if (transport) {
      listPending = list ? list.pending : host.listDoc.store.clients.has(host.listDoc.clientID);
      for (const slot of host.slots.values()) {
        const state = transport.documentState(slot.name);
        if (state?.caughtUp) synced++;
        // Not handed over yet: a task edited in this session has changes the relay cannot have.
        if (state ? state.pending : slot.editedHere) unsaved.add(slot.id);
      }
      this.deletions.addTasksTo(unsaved);
    }
    const listExplained = tasksChangedInList(host.listDoc, this.listConfirmed, unsaved) || this.deletions.has(host.id);
    const otherChanges = listPending && !listExplained ? 1 : 0;
    const documentsTotal = 1 + host.slots.size;
    let state = base.state;
    if (state === 'synced' || state === 'syncing') {
      const complete = this.allSyncing && synced === documentsTotal && !listPending && unsaved.size === 0;
      state = complete ? 'synced' : 'syncing';
    }
    if (state === 'synced') this.markSynced();
    else this.wasSynced = false;
    return {
      state,
      unsavedTasks: unsaved.size,
      pendingChanges: unsaved.size + otherChanges,
      lastSyncedAt: this.lastSyncedAt,
      firstSync: !(this.syncedOnce ?? host.storedLocally()),
      progress: { documentsTotal, documentsSynced: synced },
    };
  }

  /**
   * Something the status derives from may have changed: emits the status once this turn ends, if it differs (at most
   * one event per turn). A list last reported `synced` is re-checked as soon as the change is complete (a microtask
   * later: the transport has seen the update by then), and a claim of `synced` that no longer holds is withdrawn then,
   * even in a turn that already emitted one: until the event, a page showing the last event would say synced while
   * the list is not.
   */
  readonly changed = (): void => {
    if (this.host.isClosed()) return;
    if (this.emitted?.state === 'synced' && !this.recheckQueued) {
      this.recheckQueued = true;
      queueMicrotask(() => {
        this.recheckQueued = false;
        if (this.emitted?.state !== 'synced' || this.host.isClosed() || this.status.state === 'synced') return;
        this.emit();
      });
    }
    if (this.statusTimer !== null) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = null;
      if (!this.host.isClosed()) this.emit();
    }, 0);
  };

  private emit(): void {
    const status = this.status;
    if (this.emitted !== null && sameStatus(this.emitted, status)) return;
    this.emitted = status;
    this.host.emitStatus(status);
  }

  /** Every document found at load is handed over (`start` resolved for them): the list may now be synced. */
  allStarted(): void {
    this.allSyncing = true;
    this.changed();
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
      pending.push(
        Promise.all([listPersisted.getMeta(SYNCED_ONCE_META), listPersisted.getMeta(DELETIONS_META)]).then(([syncedOnce, deletions]) => {
          this.syncedOnce = this.syncedOnce === true || syncedOnce !== undefined;
          // Deletions recorded before the list was bound are stored now, with what the last session left.
          const recordedEarlier = this.deletions.size > 0;
          this.deletions.merge(deletions);
          if (recordedEarlier) this.saveDeletions();
          return this.syncDocument(host.id, host.listDoc, listPersisted, host.awareness);
        }),
      );
    }
    for (const slot of slots) {
      if (slot.state === 'ready' && slot.persistedDocument) pending.push(this.syncDocument(slot.name, slot.doc, slot.persistedDocument));
    }
    const documents = await Promise.all(pending);
    if (host.isClosed()) return;
    const list = documents.find((document) => document.name === host.id);
    if (list) this.listConfirmed = decodeClocks(list.confirmed);
    transport.add(documents);
    this.observeDeletions();
    this.changed();
  }

  /** A deletion was made here in one of the list's documents (`doc`), belonging to `task`: counted until confirmed. */
  deletedHere(doc: string, task: TaskId): void {
    if (this.deletions.record(doc, task, this.transport?.documentState(doc))) this.saveDeletions();
    this.changed();
  }

  /** On every change of the documents' sync states: deletions whose documents settled since are confirmed. */
  private readonly observeDeletions = (): void => {
    const transport = this.transport;
    if (transport && this.deletions.observe((doc) => transport.documentState(doc))) this.saveDeletions();
  };

  /** Stores the ledger of unconfirmed deletions with the list, once per turn. */
  private saveDeletions(): void {
    if (this.deletionsSaveQueued) return;
    this.deletionsSaveQueued = true;
    queueMicrotask(() => {
      this.deletionsSaveQueued = false;
      const persisted = this.host.listPersisted();
      // Not bound yet: `start` stores it once the list is.
      if (!persisted) return;
      persisted.setMeta(DELETIONS_META, this.deletions.encode()).catch((error: unknown) => this.host.emitError(asError(error)));
    });
  }

  /** Stops syncing documents (a task purged, or the list closing). */
  remove(names: readonly string[]): void {
    if (this.deletions.forget(names)) this.saveDeletions();
    this.transport?.remove(names);
    for (const name of names) this.tabs?.remove(name);
  }

  close(names: readonly string[]): void {
    const { transport } = this;
    if (this.statusTimer !== null) clearTimeout(this.statusTimer);
    this.statusTimer = null;
    transport?.off('status', this.changed);
    transport?.off('documents', this.changed);
    transport?.off('documents', this.observeDeletions);
    transport?.off('confirmed', this.persistConfirmed);
    transport?.off('error', this.host.emitError);
    transport?.remove(names);
    this.tabs?.destroy();
  }

  /** The list is synced: remember it (the time, and on the device that a sync of the list completed once). */
  private markSynced(): void {
    if (!this.wasSynced) this.lastSyncedAt = Date.now();
    this.wasSynced = true;
    if (this.syncedOnce === true) return;
    this.syncedOnce = true;
    this.host.listPersisted()?.setMeta(SYNCED_ONCE_META, new Uint8Array([1])).catch((error: unknown) => this.host.emitError(asError(error)));
  }

  private async syncDocument(name: string, doc: Y.Doc, persisted: PersistedDocument, awareness?: Awareness): Promise<SyncDocument> {
    const confirmed = await persisted.getMeta(CONFIRMED_META);
    return { name, doc, ...(awareness && { awareness }), ...(confirmed && { confirmed }) };
  }

  private readonly persistConfirmed = (name: string, stateVector: Uint8Array): void => {
    if (name === this.host.id) this.listConfirmed = decodeClocks(stateVector);
    const persisted = name === this.host.id ? this.host.listPersisted() : this.host.slotByName(name)?.persistedDocument;
    persisted?.setMeta(CONFIRMED_META, stateVector).catch((error: unknown) => this.host.emitError(asError(error)));
  };
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
