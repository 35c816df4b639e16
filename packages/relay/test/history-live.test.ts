import { Concord, MemoryPersistence, type TaskList } from '@concord/core';
import { decodeMessage, encodeMessage, MessageType, PROTOCOL_V1, PROTOCOL_V2, type Message } from '@concord/core/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { startRelayProcess, useRelayData, type RelayProcess } from './support/relay-process.js';
import { tokenFor } from './support/http-api.js';
import { waitFor } from './support/wait.js';

/** Restores through a running relay process on a LevelDB directory, with clients connected over the protocol. */
const dir = useRelayData();
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const LIST = 'groceries';
const TASKS = 40;

async function relay(name: string): Promise<RelayProcess> {
  const started = await startRelayProcess(['--data', `${dir.path}/${name}`]);
  closers.push(() => started.stop());
  return started;
}

async function open(url: string, userId: string): Promise<TaskList> {
  const concord = new Concord({ url, WebSocket, persistence: new MemoryPersistence(), userId, syncTabs: false });
  closers.push(() => concord.close());
  return concord.openList(LIST);
}

const synced = (list: TaskList) => waitFor(() => list.status.state === 'synced' && list.status.pendingChanges === 0, 'synced', 15_000);
const titles = (list: TaskList) => list.tasks().map((task) => task.title).join();

/** A raw client of `protocol` subscribed to the list and its tasks, recording every frame. */
async function watcher(url: string, protocol: string, docs: readonly string[]): Promise<Message[]> {
  const socket = new WebSocket(url, [protocol]);
  const frames: Message[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  closers.push(() => Promise.resolve(socket.close()));
  socket.on('message', (data: Buffer) => frames.push(decodeMessage(new Uint8Array(data))));
  socket.send(encodeMessage({ type: MessageType.Subscribe, entries: docs.map((doc) => ({ doc, stateVector: Y.encodeStateVector(new Y.Doc()) })) }));
  const caughtUp = () => frames.flatMap((frame) => (frame.type === MessageType.SyncReply ? frame.entries : [])).length;
  await waitFor(() => caughtUp() === docs.length, 'the catch-up', 15_000);
  frames.length = 0;
  return frames;
}

describe('a restore through a running relay', () => {
  it('reaches a connected client as one batch: one UpdateBatch frame, one change event, every task back', async () => {
    const { url } = await relay('live');
    const ann = await open(url, 'ann');
    const ids = Array.from({ length: TASKS }, (_, i) => ann.create({ title: `Task ${i}` }));
    await synced(ann);
    const point = (await ann.versions()).at(-1)!.at;
    const before = titles(ann);

    const bob = await open(url, 'bob');
    await waitFor(() => titles(bob) === before, 'bob to see the list', 15_000);
    for (const id of ids) bob.update(id, { title: '' });
    for (const id of ids) bob.delete(id);
    await synced(bob);
    await waitFor(() => titles(ann) === '', 'the wipe to reach ann', 15_000);

    const docs = [LIST, ...ids.map((id) => `${LIST}/${id}`)];
    const [v2, v1] = await Promise.all([watcher(url, PROTOCOL_V2, docs), watcher(url, PROTOCOL_V1, docs)]);
    let changes = 0;
    bob.on('change', () => changes++);

    const changed = await ann.restoreTo(point);
    expect(changed).toBe(TASKS + 1);
    // The requester has it all once the relay answers: the batch is sent before the reply.
    expect(titles(ann)).toBe(before);
    await waitFor(() => titles(bob) === before, 'every task back on bob', 15_000);
    expect(changes).toBe(1);

    const batches = v2.filter((frame) => frame.type === MessageType.UpdateBatch);
    expect(batches).toHaveLength(1);
    expect(new Set(batches[0]!.type === MessageType.UpdateBatch ? batches[0]!.entries.map((entry) => entry.doc) : [])).toEqual(new Set(docs));
    // Nothing of the restore came before it (the Update that may follow is the requester's record of the restore).
    expect(v2.findIndex((frame) => frame.type === MessageType.Update || frame.type === MessageType.UpdateBatch)).toBe(v2.indexOf(batches[0]!));
    // A concord.v1 client, which does not know the batch frame, gets one Update per document as before.
    const updated = () => new Set(v1.flatMap((frame) => (frame.type === MessageType.Update ? [frame.doc] : []))).size;
    await waitFor(() => updated() === docs.length, 'v1 updates', 15_000);
    expect(v1.filter((frame) => frame.type === MessageType.UpdateBatch)).toHaveLength(0);
  });

  it('shows the restore in the activity feed with who and to when, and undo brings the list back as it was, as new updates', async () => {
    const { url } = await relay('undo');
    const ann = await open(url, 'ann');
    const [milk, eggs, tea] = ['Milk', 'Eggs', 'Tea'].map((title) => ann.create({ title }));
    await synced(ann);
    const point = (await ann.versions()).at(-1)!.at;
    const bob = await open(url, 'bob');
    await waitFor(() => titles(bob) === 'Milk,Eggs,Tea', 'bob to see the list', 15_000);
    bob.update(milk!, { title: 'Renamed by bob' });
    bob.delete(eggs!);
    await synced(bob);
    await waitFor(() => titles(ann) === 'Renamed by bob,Tea', 'bob’s changes on ann', 15_000);
    const wasShown = titles(ann);

    expect(await ann.restoreTo(point)).toBeGreaterThanOrEqual(2);
    expect(titles(ann)).toBe('Milk,Eggs,Tea');
    for (const list of [ann, bob]) {
      await waitFor(() => list.activity().some((event) => event.kind === 'list-restored'), 'the restore in the feed', 15_000);
      const restored = list.activity().find((event) => event.kind === 'list-restored');
      expect(restored).toMatchObject({ kind: 'list-restored', by: { user: 'ann' }, to: point, only: null });
    }
    expect(ann.undoState.nextUndo?.kind).toBe('restore-to');

    // Bob edits a task the restore did not touch, after it: the undo leaves his edit.
    await waitFor(() => titles(bob) === 'Milk,Eggs,Tea', 'the restore on bob', 15_000);
    bob.update(tea!, { title: 'Green tea' });
    await synced(bob);
    await waitFor(() => titles(ann) === 'Milk,Eggs,Green tea', 'bob’s edit on ann', 15_000);

    const undone = ann.undo();
    expect(undone).toMatchObject({ action: { kind: 'restore-to' }, applied: true });
    expect(titles(ann)).toBe(wasShown.replace('Tea', 'Green tea'));
    await synced(ann);
    await waitFor(() => titles(bob) === 'Renamed by bob,Green tea', 'the undo to reach bob', 15_000);
    // And a client that joins later gets the same list from the relay.
    const cy = await open(url, 'cy');
    await waitFor(() => titles(cy) === 'Renamed by bob,Green tea', 'the undo on a new replica', 15_000);

    expect(ann.redo()).toMatchObject({ action: { kind: 'restore-to' }, applied: true });
    expect(titles(ann)).toBe('Milk,Eggs,Green tea');
  });

  it('reverts only one user’s wipe: the text they deleted comes back, what another typed meanwhile stays', async () => {
    const secret = 'history-only-secret';
    const started = await startRelayProcess(['--data', `${dir.path}/only`, '--auth-secret', secret]);
    closers.push(() => started.stop());
    const person = async (sub: string) => {
      const concord = new Concord({ url: started.url, token: await tokenFor(secret, sub, '*'), WebSocket, persistence: new MemoryPersistence(), userId: sub, syncTabs: false });
      closers.push(() => concord.close());
      return { concord, list: await concord.openList(LIST) };
    };
    const ann = await person('ann');
    const ids = ['Milk', 'Eggs', 'Tea'].map((title) => ann.list.create({ title, description: `About ${title}` }));
    await synced(ann.list);
    const point = (await ann.list.versions()).at(-1)!.at;
    const bob = await person('bob');
    await waitFor(() => titles(bob.list) === 'Milk,Eggs,Tea', 'bob to see the list', 15_000);

    // Ann types offline while Bob's script clears every title and description and deletes every task.
    ann.concord.disconnect();
    ann.list.update(ids[2]!, { title: 'Green tea' });
    for (const id of ids) bob.list.update(id, { title: '', description: '' });
    for (const id of ids) bob.list.delete(id);
    await synced(bob.list);
    ann.concord.connect();
    await synced(ann.list);
    await waitFor(() => titles(ann.list) === '' && ann.list.trash().length === 3, 'the wipe on ann', 15_000);

    expect(await ann.list.restoreTo(point, { only: 'bob' })).toBeGreaterThanOrEqual(4);
    for (const list of [ann.list, bob.list]) {
      await waitFor(() => titles(list) === 'Milk,Eggs,Green tea', 'every task back with its text and Ann’s edit', 15_000);
      expect(list.tasks().map((task) => task.description)).toEqual(['About Milk', 'About Eggs', 'About Tea']);
    }
  });
});
