import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeClusterMessage, encodeClusterMessage, ClusterMessageType, type ClusterMessage } from '../src/cluster/messages.js';
import type { Replication } from '../src/engine/replication.js';
import { RelayEngine } from '../src/engine/relay-engine.js';
import { MemoryStorage } from '../src/storage/memory-storage.js';
import { FakeMember } from './support/fake-member.js';

// The engine's replication seam and the cluster codec, without Redis (the Redis path: cluster.test.ts).

function updateOf(edit: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc();
  let update: Uint8Array | null = null;
  doc.on('update', (u: Uint8Array) => (update = u));
  edit(doc);
  return update as unknown as Uint8Array;
}

class FakeReplication implements Replication {
  readonly published: { doc: string; update: Uint8Array }[] = [];
  readonly awareness: { doc: string; update: Uint8Array }[] = [];
  fromPeers: Uint8Array[] = [];
  catchUp(): Promise<Uint8Array[]> {
    return Promise.resolve(this.fromPeers);
  }
  publishUpdate(doc: string, update: Uint8Array): void {
    this.published.push({ doc, update });
  }
  publishAwareness(doc: string, update: Uint8Array): void {
    this.awareness.push({ doc, update });
  }
}

describe('cluster codec', () => {
  it('round-trips every message and refuses malformed bytes or another version', () => {
    const messages: ClusterMessage[] = [
      { type: ClusterMessageType.Update, origin: 'r1', doc: 'list/é', update: Uint8Array.of(0, 0) },
      { type: ClusterMessageType.Awareness, origin: 'r1', doc: 'a', update: Uint8Array.of(1, 2, 3) },
      { type: ClusterMessageType.SyncRequest, origin: 'r2', requestId: 300, doc: 'a', stateVector: Uint8Array.of(0) },
      { type: ClusterMessageType.SyncAnswer, origin: 'r3', requestId: 7, doc: 'a', loaded: true, update: Uint8Array.of(0, 0), stateVector: Uint8Array.of(0) },
    ];
    for (const message of messages) expect(decodeClusterMessage(encodeClusterMessage(message))).toEqual(message);
    const bytes = encodeClusterMessage(messages[0]!);
    expect(decodeClusterMessage(bytes.slice(0, bytes.length - 1))).toBeNull();
    expect(decodeClusterMessage(Uint8Array.of(...bytes, 0))).toBeNull();
    expect(decodeClusterMessage(Uint8Array.of(2, ...bytes.slice(1)))).toBeNull();
  });
});

describe('engine replication hooks', () => {
  it('publishes local updates once durable; persists peer updates before forwarding and never republishes them', async () => {
    const storage = new MemoryStorage();
    const replication = new FakeReplication();
    const engine = new RelayEngine({ storage, replication });
    const [a, b] = [new FakeMember(), new FakeMember()];
    await engine.join('doc', a);
    await engine.join('doc', b);

    const local = updateOf((doc) => doc.getText('t').insert(0, 'local'));
    await engine.submitUpdate('doc', a, local);
    expect(replication.published).toEqual([{ doc: 'doc', update: local }]);

    const peer = updateOf((doc) => doc.getText('t').insert(0, 'peer'));
    expect(await engine.applyPeerUpdate('doc', peer)).toBe(true);
    expect(replication.published).toHaveLength(1); // not republished
    expect(a.updates.map((u) => u.update)).toContainEqual(peer);
    expect(b.updates.map((u) => u.update)).toContainEqual(peer);
    expect(await storage.loadUpdates('doc')).toEqual([local, peer]);
    expect(await engine.applyPeerUpdate('not-loaded', peer)).toBe(false);
    expect(await engine.applyPeerUpdate('doc', Uint8Array.of(1, 2, 3))).toBe(false);
    await engine.close();
  });

  it('persists the peers\' catch-up before the room is served, and answers diffs for documents it has not loaded', async () => {
    const storage = new MemoryStorage();
    const replication = new FakeReplication();
    const fromPeer = updateOf((doc) => doc.getMap('m').set('k', 'from a peer'));
    replication.fromPeers = [fromPeer];
    const engine = new RelayEngine({ storage, replication });
    const view = await engine.join('doc', new FakeMember());
    expect(await storage.loadUpdates('doc')).toEqual([fromPeer]);
    const replica = new Y.Doc();
    Y.applyUpdate(replica, view.sync(Uint8Array.of(0)).update);
    expect(replica.getMap('m').get('k')).toBe('from a peer');

    replication.fromPeers = [];
    await storage.appendUpdates([{ doc: 'cold', update: fromPeer }]);
    const cold = await engine.durableDiff('cold', Uint8Array.of(0));
    expect(cold.loaded).toBe(false);
    expect(Y.encodeStateVectorFromUpdate(cold.update)).toEqual(Y.encodeStateVectorFromUpdate(fromPeer));
    expect(engine.loadedDocuments).not.toContain('cold');
    await engine.close();
  });

  it('publishes accepted awareness and relays peer awareness to every member', async () => {
    const replication = new FakeReplication();
    const engine = new RelayEngine({ storage: new MemoryStorage(), replication });
    const [a, b] = [new FakeMember(), new FakeMember()];
    await engine.join('doc', a);
    await engine.join('doc', b);
    const awareness = (client: number, clock: number, state: string): Uint8Array => {
      const json = new TextEncoder().encode(state);
      return Uint8Array.of(1, client, clock, json.length, ...json);
    };
    engine.submitAwareness('doc', a, awareness(5, 1, '{"u":1}'));
    expect(replication.awareness).toHaveLength(1);
    expect(engine.applyPeerAwareness('doc', awareness(9, 1, '{"u":2}'))).toBe(true);
    expect(a.awareness).toHaveLength(1);
    expect(b.awareness).toHaveLength(2);
    expect(replication.awareness).toHaveLength(1);
    engine.leave('doc', a);
    expect(replication.awareness).toHaveLength(2); // the removal of a's state
    await engine.close();
  });
});
