import { ObservableV2 } from 'lib0/observable';
import * as Y from 'yjs';
import { isEmptyUpdate } from '../protocol/validate-update.js';
import type { DocumentSyncState, SyncDocument, SyncStatus, Transport, TransportEvents } from './transport.js';

/**
 * An in-process stand-in for a relay and its network, for tests and simulations: it holds every document, and every
 * message between a transport and it waits in a per-direction FIFO queue (like one WebSocket) until delivered.
 * Delivery is automatic (a microtask later) or driven by the test — one message at a time, in any interleaving of
 * connections — and a disconnect drops whatever was still in flight, as a broken socket does.
 */
export class InMemoryRelay {
  readonly documents = new Map<string, Y.Doc>();
  private readonly connections = new Set<InMemoryTransport>();
  private deliveryQueued = false;

  constructor(readonly options: { readonly autoDeliver?: boolean } = {}) {}

  /** The relay's copy of a document (created empty on first use). */
  document(name: string): Y.Doc {
    let doc = this.documents.get(name);
    if (!doc) {
      doc = new Y.Doc({ gc: true });
      this.documents.set(name, doc);
    }
    return doc;
  }

  /** Messages waiting in any queue. */
  get inFlight(): number {
    let count = 0;
    for (const connection of this.connections) count += connection.queued;
    return count;
  }

  /** Delivers one waiting message, chosen by `pick` among the non-empty queues (FIFO within each). */
  deliverOne(pick: (count: number) => number = () => 0): boolean {
    const queues = [...this.connections].flatMap((connection) => connection.nonEmptyQueues());
    if (queues.length === 0) return false;
    const deliver = queues[pick(queues.length)]!.shift()!;
    deliver();
    return true;
  }

  /** Delivers until nothing is in flight (bounded, since deliveries can enqueue more). */
  deliverAll(limit = 1_000_000): void {
    for (let i = 0; i < limit && this.deliverOne(); i++);
  }

  /** @internal */
  attach(connection: InMemoryTransport): void {
    this.connections.add(connection);
  }
  /** @internal */
  detach(connection: InMemoryTransport): void {
    this.connections.delete(connection);
  }
  /** @internal Applies a client's update, forwards it to other subscribers and acknowledges it to the sender. */
  receive(from: InMemoryTransport, name: string, update: Uint8Array): void {
    Y.applyUpdate(this.document(name), update, from);
    const clocks = Y.encodeStateVector(this.document(name));
    for (const connection of this.connections) {
      if (connection !== from) connection.toClient(name, (client) => client.applyRemote(name, update));
    }
    from.toClient(name, (client) => client.acknowledge(name, clocks));
  }
  /** @internal */
  scheduleDelivery(): void {
    if (!this.options.autoDeliver || this.deliveryQueued) return;
    this.deliveryQueued = true;
    queueMicrotask(() => {
      this.deliveryQueued = false;
      this.deliverAll();
    });
  }
}

interface Tracked {
  readonly doc: Y.Doc;
  readonly onUpdate: (update: Uint8Array, origin: unknown) => void;
  /** Whether the relay's answer to this document's sync request has arrived on the current connection. */
  synced: boolean;
  confirmed: Map<number, number>;
  /** Updates sent on the current connection and not yet acknowledged: a deletion is pending until its ack. */
  inFlight: number;
  /** Acknowledgements and completed catch-ups (`DocumentSyncState.confirmations`). */
  confirmations: number;
}

/** A `Transport` connected to an `InMemoryRelay`. Starts disconnected. */
export class InMemoryTransport extends ObservableV2<TransportEvents> implements Transport {
  private readonly tracked = new Map<string, Tracked>();
  private toRelayQueue: Array<() => void> = [];
  private toClientQueue: Array<() => void> = [];
  private connected = false;
  private lastSyncedAt: number | null = null;
  private current: SyncStatus = { state: 'offline', pendingChanges: 0, lastSyncedAt: null };
  private documentsEventQueued = false;

  constructor(private readonly relay: InMemoryRelay) {
    super();
  }

  get status(): SyncStatus {
    return this.current;
  }

  documentState(name: string): DocumentSyncState | undefined {
    const tracked = this.tracked.get(name);
    if (!tracked) return undefined;
    return { caughtUp: this.connected && tracked.synced, pending: isPending(tracked), confirmations: tracked.confirmations };
  }

  get queued(): number {
    return this.toRelayQueue.length + this.toClientQueue.length;
  }

  /** The connection's queues that hold undelivered messages (for the relay's `deliverAll`). */
  nonEmptyQueues(): Array<Array<() => void>> {
    return [this.toRelayQueue, this.toClientQueue].filter((queue) => queue.length > 0);
  }

  add(docs: readonly SyncDocument[]): void {
    for (const { name, doc, confirmed } of docs) {
      if (this.tracked.has(name)) continue;
      const onUpdate = (update: Uint8Array, origin: unknown) => {
        if (origin !== this && this.connected) this.sendUpdate(name, update);
        this.refreshStatus();
      };
      doc.on('update', onUpdate);
      const clocks = confirmed ? Y.decodeStateVector(confirmed) : new Map<number, number>();
      this.tracked.set(name, { doc, onUpdate, synced: false, confirmed: clocks, inFlight: 0, confirmations: 0 });
      if (this.connected) this.requestSync(name);
    }
    this.refreshStatus();
  }

  remove(names: readonly string[]): void {
    for (const name of names) {
      const tracked = this.tracked.get(name);
      tracked?.doc.off('update', tracked.onUpdate);
      this.tracked.delete(name);
    }
    this.refreshStatus();
  }

  connect(): void {
    if (this.connected) return;
    this.connected = true;
    this.relay.attach(this);
    for (const name of this.tracked.keys()) this.requestSync(name);
    this.refreshStatus();
  }

  disconnect(): void {
    if (!this.connected) return;
    this.connected = false;
    this.relay.detach(this);
    this.toRelayQueue = [];
    this.toClientQueue = [];
    for (const tracked of this.tracked.values()) {
      tracked.synced = false;
      tracked.inFlight = 0;
    }
    this.refreshStatus();
  }

  override destroy(): void {
    this.disconnect();
    this.remove([...this.tracked.keys()]);
    super.destroy();
  }

  /** @internal */
  toClient(name: string, deliver: (client: this) => void): void {
    this.toClientQueue.push(() => {
      if (this.tracked.has(name)) deliver(this);
    });
    this.relay.scheduleDelivery();
  }

  /** @internal */
  applyRemote(name: string, update: Uint8Array): void {
    const tracked = this.tracked.get(name);
    if (!tracked) return;
    Y.applyUpdate(tracked.doc, update, this);
    this.raise(name, tracked, Y.parseUpdateMeta(update).to);
  }

  /** @internal */
  acknowledge(name: string, clocks: Uint8Array): void {
    const tracked = this.tracked.get(name);
    if (!tracked) return;
    tracked.inFlight = Math.max(0, tracked.inFlight - 1);
    tracked.confirmations++;
    this.raise(name, tracked, Y.decodeStateVector(clocks));
  }

  private requestSync(name: string): void {
    const stateVector = Y.encodeStateVector(this.tracked.get(name)!.doc);
    this.toRelay(() => {
      const relayDoc = this.relay.document(name);
      const diff = Y.encodeStateAsUpdate(relayDoc, stateVector);
      const relayVector = Y.encodeStateVector(relayDoc);
      this.toClient(name, (client) => client.completeSync(name, diff, relayVector));
    });
  }

  private completeSync(name: string, diff: Uint8Array, relayVector: Uint8Array): void {
    const tracked = this.tracked.get(name)!;
    Y.applyUpdate(tracked.doc, diff, this);
    tracked.synced = true;
    this.raise(name, tracked, Y.decodeStateVector(relayVector));
    const missing = Y.encodeStateAsUpdate(tracked.doc, relayVector);
    if (!isEmptyUpdate(missing)) this.sendUpdate(name, missing);
    tracked.confirmations++;
    this.refreshStatus();
  }

  private sendUpdate(name: string, update: Uint8Array): void {
    const tracked = this.tracked.get(name);
    if (tracked) tracked.inFlight++;
    this.toRelay(() => this.relay.receive(this, name, update));
  }

  private raise(name: string, tracked: Tracked, clocks: Map<number, number>): void {
    let raised = false;
    for (const [client, clock] of clocks) {
      if (clock > (tracked.confirmed.get(client) ?? 0)) {
        tracked.confirmed.set(client, clock);
        raised = true;
      }
    }
    if (raised) this.emit('confirmed', [name, Y.encodeStateVector(tracked.confirmed)]);
    this.refreshStatus();
  }

  private toRelay(deliver: () => void): void {
    this.toRelayQueue.push(deliver);
    this.relay.scheduleDelivery();
  }

  private refreshStatus(): void {
    if (!this.documentsEventQueued) {
      this.documentsEventQueued = true;
      queueMicrotask(() => {
        this.documentsEventQueued = false;
        this.emit('documents', []);
      });
    }
    let pendingChanges = 0;
    let allSynced = true;
    for (const tracked of this.tracked.values()) {
      if (!tracked.synced) allSynced = false;
      if (isPending(tracked)) pendingChanges++;
    }
    const state = !this.connected ? 'offline' : allSynced && pendingChanges === 0 ? 'synced' : 'syncing';
    if (state === 'synced' && this.current.state !== 'synced') this.lastSyncedAt = Date.now();
    const next: SyncStatus = { state, pendingChanges, lastSyncedAt: this.lastSyncedAt };
    if (next.state !== this.current.state || next.pendingChanges !== this.current.pendingChanges) {
      this.current = next;
      this.emit('status', [next]);
    }
  }
}

function isPending(tracked: Tracked): boolean {
  if (tracked.inFlight > 0) return true;
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(tracked.doc))) {
    if (clock > (tracked.confirmed.get(client) ?? 0)) return true;
  }
  return false;
}
