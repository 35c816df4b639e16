import { Concord, MemoryPersistence, MemoryPersistenceStore, type TaskList } from '@concord/core';
import { claimedUser, keepClaims } from '@concord/core/activity';
import { ErrorCode, MessageType, type Message } from '@concord/core/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { createToken } from '../src/auth/tokens.js';
import { RawConcordClient } from './support/concord-client.js';
import { useRawRelay } from './support/raw-relay.js';
import { relayMetric } from './support/metrics.js';
import { waitFor } from './support/wait.js';

const SECRET = 'test-secret-0123456789';
const fixture = useRawRelay(['--auth-secret', SECRET]);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const token = (sub: string): Promise<string> => createToken({ secret: SECRET, lists: '*', mode: 'rw', ttlSeconds: 3600, sub });
const is =
  <T extends Message['type']>(type: T) =>
  (message: Message): message is Extract<Message, { type: T }> =>
    message.type === type;

async function client(sub: string, doc: string): Promise<RawConcordClient> {
  const connected = await RawConcordClient.connect(`${fixture.relay.url}/?token=${await token(sub)}`);
  cleanups.push(() => connected.close());
  connected.send({ type: MessageType.Subscribe, entries: [{ doc, stateVector: Uint8Array.of(0) }] });
  await connected.next(is(MessageType.SyncReply), 'SyncReply');
  return connected;
}

/** An edit by a replica with `clientID` that claims `clientID` (or `key`) for `user` in the same update. */
function claimingEdit(clientID: number, user: string, key = String(clientID)): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  doc.transact(() => {
    doc.getMap('authors').set(key, user);
    doc.getText('title').insert(0, `by ${user}`);
  });
  return Y.encodeStateAsUpdate(doc);
}

/** The Bindings frames the last `catchUp` received before its SyncReply. */
let lastBindings: Message[] = [];

/** The document as a new reader gets it from the relay. */
async function catchUp(sub: string, doc: string): Promise<Y.Doc> {
  const reader = await RawConcordClient.connect(`${fixture.relay.url}/?token=${await token(sub)}`);
  cleanups.push(() => reader.close());
  reader.send({ type: MessageType.Subscribe, entries: [{ doc, stateVector: Uint8Array.of(0) }] });
  const reply = await reader.next(is(MessageType.SyncReply), 'catch-up');
  lastBindings = reader.received.filter(is(MessageType.Bindings));
  const replica = new Y.Doc();
  keepClaims(replica);
  Y.applyUpdate(replica, reply.entries[0]?.update ?? Uint8Array.of(0, 0));
  return replica;
}

describe('claims of client ids (real relay process with --auth-secret)', () => {
  it('refuses a claim naming anyone but the token sub, or keyed by another client id; admits and serves the true one', async () => {
    const ann = await client('ann', 'claims');
    ann.send({ type: MessageType.Update, doc: 'claims', update: claimingEdit(41, 'bob') });
    expect(await ann.next(is(MessageType.Error), 'refusal of a claim naming bob')).toMatchObject({ doc: 'claims', code: ErrorCode.ClientIdTaken });
    ann.send({ type: MessageType.Update, doc: 'claims', update: claimingEdit(42, 'ann', '43') });
    expect(await ann.next(is(MessageType.Error), 'refusal of a claim for another client id')).toMatchObject({ code: ErrorCode.ClientIdTaken });
    const watcher = await client('dave', 'claims');
    ann.send({ type: MessageType.Update, doc: 'claims', update: claimingEdit(44, 'ann') });
    await ann.next(is(MessageType.Ack), 'Ack of the true claim');
    // The binding reaches every subscriber, before the update that made it.
    await waitFor(() => watcher.received.some(is(MessageType.Update)), 'the update at the other subscriber');
    const order = watcher.received.map((message) => message.type);
    expect(order.indexOf(MessageType.Bindings)).toBeGreaterThanOrEqual(0);
    expect(order.indexOf(MessageType.Bindings)).toBeLessThan(order.indexOf(MessageType.Update));
    expect(watcher.received.find(is(MessageType.Bindings))).toEqual({ type: MessageType.Bindings, doc: 'claims', bindings: [{ client: 44, user: 'ann' }] });
    expect(await relayMetric(fixture.relay.url, 'concord_relay_refused_total{reason="client_id_taken"}')).toBeGreaterThanOrEqual(2);

    // Bindings reach a client as part of the document (the admitted claim, nothing of the refused ones) and in a
    // Bindings frame sent before the catch-up.
    const replica = await catchUp('carol', 'claims');
    expect(lastBindings).toEqual([{ type: MessageType.Bindings, doc: 'claims', bindings: [{ client: 44, user: 'ann' }] }]);
    expect(claimedUser(replica, 44)).toBe('ann');
    expect(claimedUser(replica, 41)).toBeUndefined();
    expect(claimedUser(replica, 42)).toBeUndefined();
    expect(replica.getText('title').toString()).toBe('by ann');
  });

  it('a later value written over a claim (placed by its neighbour, so the relay cannot see its key) never replaces it', async () => {
    const mallory = await client('mallory', 'overwrite');
    const doc = new Y.Doc();
    doc.clientID = 51;
    doc.transact(() => {
      doc.getMap('authors').set('51', 'mallory');
      doc.getText('title').insert(0, 'mine');
    });
    mallory.send({ type: MessageType.Update, doc: 'overwrite', update: Y.encodeStateAsUpdate(doc) });
    await mallory.next(is(MessageType.Ack), 'Ack of the claim');
    const before = Y.encodeStateVector(doc);
    doc.getMap('authors').set('51', 'ann');
    mallory.send({ type: MessageType.Update, doc: 'overwrite', update: Y.encodeStateAsUpdate(doc, before) });
    await mallory.next(is(MessageType.Ack), 'Ack of the overwrite');
    const replica = await catchUp('carol', 'overwrite');
    expect(replica.getMap('authors').get('51')).toBe('ann');
    expect(claimedUser(replica, 51)).toBe('mallory');
  });

  it('a core client whose userId is its token sub is attributed on the other replica; one declaring another user is refused', async () => {
    const open = async (sub: string, userId: string, store = new MemoryPersistenceStore()): Promise<{ concord: Concord; list: TaskList; errors: Error[] }> => {
      const persistence = new MemoryPersistence(store);
      const concord = new Concord({ url: fixture.relay.url, token: await token(sub), userId, WebSocket, syncTabs: false, persistence });
      cleanups.push(() => concord.close());
      const list = await concord.openList('attributed');
      const errors: Error[] = [];
      concord.transport?.on('error', (error: Error) => errors.push(error));
      return { concord, list, errors };
    };
    const ann = await open('ann', 'ann');
    const bobStore = new MemoryPersistenceStore();
    const bob = await open('bob', 'bob', bobStore);
    const id = ann.list.create({ title: 'Cheese' });
    await waitFor(() => bob.list.get(id)?.title === 'Cheese', 'the task on the other replica');
    expect(bob.list.get(id)?.createdBy).toEqual({ user: 'ann', verified: true });
    expect(ann.list.get(id)?.createdBy).toEqual({ user: 'ann', verified: true });
    expect(bob.list.activity().find((event) => event.kind === 'created')?.by).toEqual({ user: 'ann', verified: true });
    const liar = await open('mallory', 'ann');
    await waitFor(() => liar.list.get(id)?.title === 'Cheese', 'the task on the third replica');
    liar.list.update(id, { title: 'Forged' });
    await waitFor(() => liar.errors.some((error) => (error as { code?: string }).code === 'ERR_UPDATE_REFUSED'), 'the refusal');
    expect(bob.list.get(id)?.title).toBe('Cheese');
    // Readable offline: the bindings are kept beside the list.
    await bob.concord.close();
    const offline = new Concord({ persistence: new MemoryPersistence(bobStore), userId: 'bob', syncTabs: false });
    cleanups.push(() => offline.close());
    const reopened = await offline.openList('attributed');
    await reopened.documentsLoaded;
    expect(reopened.get(id)?.createdBy).toEqual({ user: 'ann', verified: true });
  });

  it('list.authors() names each writer as verified once the relay bound their client ids, on every replica', async () => {
    const open = async (sub: string): Promise<TaskList> => {
      const concord = new Concord({ url: fixture.relay.url, token: await token(sub), userId: sub, WebSocket, syncTabs: false, persistence: new MemoryPersistence(new MemoryPersistenceStore()) });
      cleanups.push(() => concord.close());
      return concord.openList('authored');
    };
    const ann = await open('ann');
    const bob = await open('bob');
    const reader = await open('reader');
    const id = ann.create({ title: 'Bread' });
    await waitFor(() => bob.get(id)?.title === 'Bread', 'the task at bob');
    bob.update(id, { completed: true });
    const expected = (list: TaskList) => {
      const authors = list.authors();
      return authors.length === 2 && authors.every((author) => author.verified && author.lastChangeAt !== null) && authors[0]?.user === 'bob' && authors[1]?.user === 'ann';
    };
    await waitFor(() => expected(reader) && expected(ann), 'both verified authors, latest first, on ann and on a reader');
  });
});
