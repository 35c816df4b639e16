import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Transport } from '../transport.js';
import { waitFor } from './wait.js';

/** How the acceptance suite drives one transport implementation. Messages must flow on their own once connected. */
export interface TransportHarness {
  /** A new transport to the shared relay, not yet connected. */
  create(): Transport;
  teardown(): Promise<void> | void;
}

/**
 * The contract every `Transport` must honour, run against each implementation (the WebSocket transport against a
 * relay, the in-memory one against its in-process relay), in the manner of automerge-repo's adapter acceptance tests.
 */
export function runTransportAcceptance(name: string, setup: () => Promise<TransportHarness> | TransportHarness): void {
  describe(`Transport acceptance: ${name}`, () => {
    let harness: TransportHarness | undefined;
    const transports: Transport[] = [];
    afterEach(async () => {
      for (const transport of transports.splice(0)) transport.destroy();
      await harness?.teardown();
      harness = undefined;
    });
    async function connected(): Promise<Transport> {
      harness ??= await setup();
      const transport = harness.create();
      transports.push(transport);
      transport.connect();
      return transport;
    }
    const synced = (...ts: Transport[]) => () => ts.every((t) => t.status.state === 'synced' && t.status.pendingChanges === 0);

    it('two transports converge on the same document', async () => {
      const [a, b] = [await connected(), await connected()];
      const [docA, docB] = [new Y.Doc(), new Y.Doc()];
      a.add([{ name: 'acc/1', doc: docA }]);
      b.add([{ name: 'acc/1', doc: docB }]);
      docA.getText('title').insert(0, 'from a');
      docB.getMap('fields').set('completed', true);
      await waitFor(() => synced(a, b)() && docB.getText('title').toString() === 'from a' && docA.getMap('fields').get('completed') === true);
    });

    it('reports each document caught up once the relay answered it, and pending while a local change is unconfirmed', async () => {
      const a = await connected();
      const doc = new Y.Doc();
      expect(a.documentState('acc/state')).toBeUndefined();
      let events = 0;
      a.on('documents', () => events++);
      a.add([{ name: 'acc/state', doc }]);
      await waitFor(() => a.documentState('acc/state')?.caughtUp === true);
      expect(events).toBeGreaterThan(0);
      const caughtUpOnce = a.documentState('acc/state')?.confirmations ?? 0;
      expect(caughtUpOnce).toBeGreaterThan(0);
      a.disconnect();
      doc.getText('title').insert(0, 'offline');
      expect(a.documentState('acc/state')).toMatchObject({ caughtUp: false, pending: true });
      a.connect();
      await waitFor(() => a.documentState('acc/state')?.caughtUp === true && a.documentState('acc/state')?.pending === false);
      const uploaded = a.documentState('acc/state')?.confirmations ?? 0;
      expect(uploaded).toBeGreaterThan(caughtUpOnce);
      // A deletion moves no clock: the relay's acknowledgement of the frame carrying it is what moves the count.
      doc.getText('title').delete(0, 3);
      await waitFor(() => (a.documentState('acc/state')?.confirmations ?? 0) > uploaded);
      expect(a.documentState('acc/state')).toMatchObject({ caughtUp: true, pending: false });
    });

    it('offline edits count as pending and are sent on connect', async () => {
      const [a, b] = [await connected(), await connected()];
      const [docA, docB] = [new Y.Doc(), new Y.Doc()];
      a.add([{ name: 'acc/2', doc: docA }]);
      b.add([{ name: 'acc/2', doc: docB }]);
      await waitFor(synced(a, b));
      a.disconnect();
      expect(a.status.state).toBe('offline');
      docA.getText('title').insert(0, 'offline');
      expect(a.status.pendingChanges).toBe(1);
      a.connect();
      await waitFor(() => synced(a, b)() && docB.getText('title').toString() === 'offline');
      expect(a.status.lastSyncedAt).not.toBeNull();
    });

    it('emits confirmed clocks that, handed back, keep a reload from counting saved changes as pending', async () => {
      const a = await connected();
      const doc = new Y.Doc();
      let confirmed: Uint8Array | undefined;
      a.on('confirmed', (name, sv) => {
        if (name === 'acc/3') confirmed = sv;
      });
      a.add([{ name: 'acc/3', doc }]);
      doc.getText('title').insert(0, 'saved');
      await waitFor(() => synced(a)() && confirmed !== undefined && !isAheadOf(doc, confirmed));
      const reloaded = new Y.Doc();
      Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(doc));
      const b = harness!.create();
      transports.push(b);
      b.add([{ name: 'acc/3', doc: reloaded, confirmed }]);
      expect(b.status.pendingChanges).toBe(0);
      reloaded.getText('title').insert(0, 'un');
      expect(b.status.pendingChanges).toBe(1);
    });

    it('remove() stops syncing a document and drops it from the pending count', async () => {
      const [a, b] = [await connected(), await connected()];
      const [docA, docB] = [new Y.Doc(), new Y.Doc()];
      a.add([{ name: 'acc/4', doc: docA }, { name: 'acc/5', doc: new Y.Doc() }]);
      b.add([{ name: 'acc/4', doc: docB }]);
      await waitFor(synced(a, b));
      a.disconnect();
      docA.getText('title').insert(0, 'never sent');
      expect(a.status.pendingChanges).toBe(1);
      a.remove(['acc/4']);
      expect(a.status.pendingChanges).toBe(0);
      a.connect();
      await waitFor(synced(a, b));
      expect(docB.getText('title').toString()).toBe('');
    });
  });
}

function isAheadOf(doc: Y.Doc, stateVector: Uint8Array): boolean {
  const confirmed = Y.decodeStateVector(stateVector);
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(doc))) if (clock > (confirmed.get(client) ?? 0)) return true;
  return false;
}
