import { editText, resolveText } from '@concord/core';
import { describe, expect, it } from 'vitest';
import { startRelayProcess, useRelayData } from './support/relay-process.js';
import { destroyAllStockClients, stockClient, synced } from './support/stock-client.js';
import { waitFor } from './support/wait.js';

const data = useRelayData(destroyAllStockClients);

// Colliding text edits are decided by every replica from the documents alone: the relay (no Y.Doc) only stores and
// forwards, and stock y-websocket clients carry the edit records like any other struct.
describe('text edits that collide, through the stock y-websocket endpoint', () => {
  it('every client, and a fresh one after a relay restart, shows the same version and alternative', async () => {
    let relay = await startRelayProcess(['--data', data.path]);
    const room = 'groceries/task-1';
    const ann = stockClient(relay.url, room);
    const bob = stockClient(relay.url, room);
    await synced(ann);
    await synced(bob);
    editText(ann.doc, 'title', 'Cheese', { userId: 'ann', now: 1_000 });
    await waitFor(() => resolveText(bob.doc, 'title').text === 'Cheese', 'Bob to see the title');

    ann.provider.disconnect();
    bob.provider.disconnect();
    editText(ann.doc, 'title', 'Gouda', { userId: 'ann', now: 2_000 });
    editText(bob.doc, 'title', 'Brie', { userId: 'bob', now: 3_000 });
    ann.provider.connect();
    bob.provider.connect();
    const expected = { text: 'Brie', alternatives: [{ text: 'Gouda', by: 'ann', at: 2_000 }] };
    await waitFor(() => resolveText(ann.doc, 'title').alternatives.length === 1, 'Ann to get Bob\'s edit');
    await waitFor(() => resolveText(bob.doc, 'title').alternatives.length === 1, 'Bob to get Ann\'s edit');
    expect(resolveText(ann.doc, 'title')).toMatchObject(expected);
    expect(resolveText(bob.doc, 'title')).toEqual(resolveText(ann.doc, 'title'));

    relay.child.kill('SIGTERM');
    expect(await relay.exited).toBe(0);
    ann.destroy();
    bob.destroy();
    relay = await startRelayProcess(['--data', data.path]);
    const fresh = stockClient(relay.url, room);
    await synced(fresh);
    expect(resolveText(fresh.doc, 'title')).toMatchObject(expected);
  });
});
