import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startRelayProcess, useRelayData } from './support/relay-process.js';
import { destroyAllStockClients, stockClient, synced } from './support/stock-client.js';
import { waitFor } from './support/wait.js';

const data = useRelayData(destroyAllStockClients);

const textOf = (update: Uint8Array): string => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc.getText('title').toString();
};

describe('stock y-websocket endpoint (real relay process, real LevelDB)', () => {
  it('two stock clients see each other; after a restart a fresh client is synced only with the content', async () => {
    let relay = await startRelayProcess(['--data', data.path]);
    const room = 'list one/täsk?';
    const a = stockClient(relay.url, room);
    const b = stockClient(relay.url, room);
    await synced(a);
    await synced(b);
    a.doc.getText('title').insert(0, 'hello from A');
    await waitFor(() => b.doc.getText('title').toString() === 'hello from A', 'B to see A');
    b.doc.getText('title').insert(0, '> ');
    await waitFor(() => a.doc.getText('title').toString() === '> hello from A', 'A to see B');

    relay.child.kill('SIGTERM');
    expect(await relay.exited).toBe(0);
    a.destroy();
    b.destroy();
    relay = await startRelayProcess(['--data', data.path]);
    const fresh = stockClient(relay.url, room);
    // The first 'synced' must already carry the content: never an empty "synced" document.
    expect(textOf(await fresh.atFirstSync)).toBe('> hello from A');
  });

  it('relays awareness between stock clients and removes a departed client', async () => {
    const relay = await startRelayProcess(['--data', data.path]);
    const a = stockClient(relay.url, 'aware');
    const b = stockClient(relay.url, 'aware');
    await synced(a);
    await synced(b);
    a.provider.awareness.setLocalStateField('user', 'alice');
    await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID)?.user === 'alice', 'B to see A’s awareness');
    const c = stockClient(relay.url, 'aware');
    await waitFor(() => c.provider.awareness.getStates().get(a.doc.clientID)?.user === 'alice', 'newcomer to get awareness');
    a.provider.disconnect();
    await waitFor(() => !b.provider.awareness.getStates().has(a.doc.clientID), 'removal to reach B');
  });

  it('closes a connection that sends an undecodable update with 4400; others unaffected, document still loads', async () => {
    const relay = await startRelayProcess(['--data', data.path]);
    const good = stockClient(relay.url, 'bad-frame');
    await synced(good);
    const observer = stockClient(relay.url, 'bad-frame');
    await synced(observer);
    good.doc.getText('title').insert(0, 'safe');
    // Forwarded means durable: after this, 'safe' is in LevelDB.
    await waitFor(() => observer.doc.getText('title').toString() === 'safe', 'the observer to see the edit');
    const raw = new WebSocket(`${relay.url}/bad-frame`);
    const closed = new Promise<number>((resolve) => raw.once('close', (code) => resolve(code)));
    await new Promise((resolve) => raw.once('open', resolve));
    raw.send(Uint8Array.of(0, 2, 3, 1, 5, 9)); // messageSync/update with a truncated Yjs update
    expect(await closed).toBe(4400);
    const other = stockClient(relay.url, 'bad-frame');
    expect(textOf(await other.atFirstSync)).toBe('safe'); // the document still loads
    good.doc.getText('title').insert(4, '!'); // and the good client's connection still works both ways
    await waitFor(() => other.doc.getText('title').toString() === 'safe!', 'the good client’s edit to arrive');
    expect(good.provider.wsconnected).toBe(true);
  });
});
