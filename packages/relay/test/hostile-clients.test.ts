import * as encoding from 'lib0/encoding';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { createToken } from '../src/auth/tokens.js';
import { freshReplica, HonestClient, stockSyncFrame } from '../fuzz/honest-client.js';
import { craftUpdate } from './support/crafted-updates.js';
import { killAllRelays, startRelayProcess, tempDir, type RelayProcess } from './support/relay-process.js';
import { waitFor } from './support/wait.js';

/**
 * One bad client must never cost anyone else an edit: each case runs against the real relay process and a real LevelDB
 * directory, with two honest people (one on the stock endpoint, one on concord.v1) editing the document the attacker
 * targets, and checks every honest edit at both of them, at fresh clients of both endpoints, and after kill -9 and a
 * restart, with no update that throws at any receiver.
 */
const DOC = 'list/task';
const SECRET = 'a-secret-of-at-least-16-chars';
const dirs: { remove: () => Promise<void> }[] = [];
let data: string;
beforeEach(async () => {
  const dir = await tempDir();
  dirs.push(dir);
  data = dir.path;
});
afterEach(() => killAllRelays());
afterAll(async () => {
  for (const dir of dirs) await dir.remove();
});

/** A stock-endpoint connection that only sends; resolves its close code and reason once the relay closes it. */
async function stockAttacker(url: string, doc = DOC, token?: string): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(`${url}/${encodeURIComponent(doc)}${token === undefined ? '' : `?token=${token}`}`);
  ws.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise((resolve) => ws.once('open', resolve));
  return { ws, closed };
}

interface People {
  ann: HonestClient;
  bob: HonestClient;
}

async function people(url: string, tokens?: { ann: string; bob: string }): Promise<People> {
  const ann = new HonestClient(url, 'stock', DOC, 111, tokens?.ann);
  const bob = new HonestClient(url, 'concord', DOC, 222, tokens?.bob);
  await Promise.all([ann.connect(), bob.connect()]);
  return { ann, bob };
}

async function editTogether({ ann, bob }: People, rounds: number, tag: string): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    ann.edit(i * 7, `a${tag}${i} `);
    bob.edit(i * 3, `b${tag}${i} `);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Every honest edit at both people, at fresh clients of both endpoints, and after kill -9 + restart; no receiver error. */
async function expectNothingLost(relay: RelayProcess, { ann, bob }: People, token?: string): Promise<void> {
  const own = (person: HonestClient) => person.held(person.doc.clientID);
  await waitFor(() => ann.held(222) === own(bob) && bob.held(111) === own(ann), 'both people hold each other\u2019s every edit');
  await waitFor(() => Buffer.compare(Y.encodeStateVector(ann.doc), Y.encodeStateVector(bob.doc)) === 0, 'both people hold the same structs');
  expect(ann.doc.getText('t').toString()).toBe(bob.doc.getText('t').toString());
  expect([ann.receiveErrors, bob.receiveErrors]).toEqual([0, 0]);
  const check = async (url: string) => {
    for (const endpoint of ['stock', 'concord'] as const) {
      const fresh = await freshReplica(url, endpoint, DOC, token);
      expect(fresh.receiveErrors, `${endpoint} fresh client`).toBe(0);
      expect(fresh.doc.getText('t').toString(), `${endpoint} fresh client`).toBe(ann.doc.getText('t').toString());
    }
  };
  await check(relay.url);
  ann.close();
  bob.close();
  relay.child.kill('SIGKILL');
  await relay.exited;
  const restarted = await startRelayProcess(['--data', data, ...(token === undefined ? [] : ['--auth-secret', SECRET])]);
  await check(restarted.url);
}

describe('hostile clients on the stock endpoint, two honest people editing the same document', () => {
  it('updates that decode but would not apply (a zero-length deletion, a struct referring to its own future) are refused with 4422', async () => {
    const relay = await startRelayProcess(['--data', data]);
    const honest = await people(relay.url);
    await editTogether(honest, 5, 'x');
    for (const corrupt of [
      craftUpdate({ deletes: [{ client: 111, ranges: [[0, 0]] }] }),
      craftUpdate({ structs: [{ client: 9, clock: 0, items: [{ text: 'x', origin: [9, 3] }] }] }),
    ]) {
      const attacker = await stockAttacker(relay.url);
      attacker.ws.send(stockSyncFrame(2, corrupt));
      await editTogether(honest, 3, 'y');
      expect(await attacker.closed).toEqual({ code: 4422, reason: 'ERR_CORRUPT_UPDATE' });
    }
    await editTogether(honest, 5, 'z');
    await expectNothingLost(relay, honest);
  }, 60_000);

  it("a gap on a stranger's client id and one on an honest person's are never forwarded; every one of that person's edits arrives", async () => {
    const relay = await startRelayProcess(['--data', data]);
    const honest = await people(relay.url);
    await editTogether(honest, 2, 'x');
    const attacker = await stockAttacker(relay.url);
    const annClock = honest.ann.held(111);
    attacker.ws.send(stockSyncFrame(2, craftUpdate({ structs: [{ client: 5150, clock: 10, items: [{ text: 'stranger' }] }] })));
    attacker.ws.send(stockSyncFrame(2, craftUpdate({ structs: [{ client: 111, clock: annClock + 5, items: [{ text: 'EVIL' }] }] })));
    await editTogether(honest, 10, 'y');
    expect(await attacker.closed).toEqual({ code: 4422, reason: 'ERR_UNMET_DEPENDENCY' });
    expect(honest.bob.doc.getText('t').toString()).not.toContain('EVIL');
    await expectNothingLost(relay, honest);
  }, 60_000);

  it('with authentication, writing under another user\u2019s client id is refused with 4409', async () => {
    const relay = await startRelayProcess(['--data', data, '--auth-secret', SECRET]);
    const token = (sub: string) => createToken({ secret: SECRET, lists: ['list'], mode: 'rw', ttlSeconds: 3600, sub });
    const honest = await people(relay.url, { ann: await token('ann'), bob: await token('bob') });
    await editTogether(honest, 3, 'x');
    const attacker = await stockAttacker(relay.url, DOC, await token('mallory'));
    const annClock = honest.ann.held(111);
    attacker.ws.send(stockSyncFrame(2, craftUpdate({ structs: [{ client: 111, clock: annClock, items: [{ text: 'as Ann', origin: [111, annClock - 1] }] }] })));
    expect(await attacker.closed).toEqual({ code: 4409, reason: 'ERR_CLIENT_ID_TAKEN' });
    await editTogether(honest, 5, 'y');
    await expectNothingLost(relay, honest, await token('reader'));
  }, 60_000);

  it('a 15 MiB awareness state is refused, never sent to anyone, and the sender stays connected', async () => {
    const relay = await startRelayProcess(['--data', data]);
    const honest = await people(relay.url);
    const attacker = await stockAttacker(relay.url);
    const state = encoding.createEncoder();
    encoding.writeVarUint(state, 1);
    encoding.writeVarUint(state, 4242);
    encoding.writeVarUint(state, 1);
    encoding.writeVarString(state, JSON.stringify({ name: 'x'.repeat(15 * 1024 * 1024) }));
    const frame = encoding.createEncoder();
    encoding.writeVarUint(frame, 1);
    encoding.writeVarUint8Array(frame, encoding.toUint8Array(state));
    attacker.ws.send(encoding.toUint8Array(frame));
    const newcomer = new WebSocket(`${relay.url}/${encodeURIComponent(DOC)}`);
    let largest = 0;
    newcomer.on('message', (message: Buffer) => (largest = Math.max(largest, message.byteLength)));
    await new Promise((resolve) => newcomer.once('open', resolve));
    newcomer.send(stockSyncFrame(0, Uint8Array.of(0)));
    await editTogether(honest, 3, 'x');
    // The 15 MiB frame takes a while to arrive and be read: poll the relay's count of it.
    await expect
      .poll(async () => (await fetch(`${relay.url.replace('ws:', 'http:')}/metrics`)).text(), { timeout: 15_000, interval: 20 })
      .toContain('concord_relay_refused_total{reason="awareness_refused"} 1');
    await waitFor(() => largest > 0, 'the newcomer synced');
    expect(largest).toBeLessThan(64 * 1024);
    expect(attacker.ws.readyState).toBe(WebSocket.OPEN);
    newcomer.terminate();
    attacker.ws.terminate();
    await expectNothingLost(relay, honest);
  }, 60_000);

  it('a completed stock sync round trip is a durability barrier: kill -9 right after it loses none of the updates before it', async () => {
    // Synced LevelDB writes (no write-ahead log): each batch takes a disk flush, so an answer sent before the writes
    // complete would be seen long before they are durable.
    const relay = await startRelayProcess(['--data', data, '--fsync']);
    const writer = new WebSocket(`${relay.url}/${encodeURIComponent(DOC)}`);
    const doc = new Y.Doc();
    let answered = false;
    writer.on('message', (message: Buffer) => {
      // The relay's sync step 1 comes first; its sync step 2 answers ours.
      if (message[0] === 0 && message[1] === 1) answered = true;
    });
    await new Promise((resolve) => writer.once('open', resolve));
    doc.on('update', (update: Uint8Array) => writer.send(stockSyncFrame(2, update)));
    for (let i = 0; i < 2_000; i++) doc.getText('t').insert(0, String(i % 10).repeat(200));
    writer.send(stockSyncFrame(0, Y.encodeStateVector(doc)));
    await waitFor(() => answered, 'the answer to our sync step 1', 10_000, 1);
    relay.child.kill('SIGKILL');
    await relay.exited;
    const restarted = await startRelayProcess(['--data', data]);
    const fresh = await freshReplica(restarted.url, 'stock', DOC);
    expect(fresh.doc.getText('t').toString()).toBe(doc.getText('t').toString());
  }, 60_000);
});
