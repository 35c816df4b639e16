import { encodeMessage, MessageType, type Message } from '@concord/core/protocol';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { RawConcordClient } from './support/concord-client.js';
import { killAllRelays, startRelayProcess, tempDir } from './support/relay-process.js';
import { waitFor } from './support/wait.js';

let data: { path: string; remove: () => Promise<void> };
beforeAll(async () => (data = await tempDir()));
afterEach(async () => killAllRelays());
afterAll(async () => data.remove());

const FRAMES = 300;
const is =
  <T extends Message['type']>(type: T) =>
  (message: Message): message is Extract<Message, { type: T }> =>
    message.type === type;

function validUpdate(seed: number): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = 1000 + seed;
  doc.getText('t').insert(0, `fuzz ${seed}`);
  return Y.encodeStateAsUpdate(doc);
}

/** A valid frame of either endpoint, for the fuzzer to mutate. */
function template(endpoint: 'concord' | 'stock', seed: number): Uint8Array {
  const update = validUpdate(seed);
  if (endpoint === 'concord') return encodeMessage({ type: MessageType.Update, doc: 'target', update });
  return Uint8Array.of(0, 2, update.byteLength, ...update); // y-protocols sync update (short updates: 1-byte length)
}

const frameArbitrary = fc.record({
  endpoint: fc.constantFrom('concord' as const, 'stock' as const),
  kind: fc.constantFrom('random', 'flip', 'truncate', 'insert'),
  random: fc.uint8Array({ maxLength: 96 }),
  seed: fc.nat(50),
  position: fc.nat(),
  bit: fc.nat(7),
});

describe('live relay fed random and mutated frames while an honest client edits', () => {
  it('stays up; the honest client converges; stored documents load after a restart', async () => {
    const seed = Number(process.env.CONCORD_FUZZ_SEED ?? Date.now() % 1_000_000);
    console.info(`live fuzz seed ${seed} (replay with CONCORD_FUZZ_SEED=${seed})`);
    const frames = fc.sample(frameArbitrary, { seed, numRuns: FRAMES }).map(({ endpoint, kind, random, seed: s, position, bit }) => {
      const base = template(endpoint, s);
      const at = position % base.byteLength;
      let bytes: Uint8Array;
      if (kind === 'random') bytes = random;
      else if (kind === 'flip') (bytes = base.slice())[at] = (base[at] as number) ^ (1 << bit);
      else if (kind === 'truncate') bytes = base.slice(0, at);
      else bytes = Uint8Array.of(...base.slice(0, at), ...random.slice(0, 3), ...base.slice(at));
      return { endpoint, bytes };
    });

    let relay = await startRelayProcess(['--data', data.path, '--log-level', 'silent']);
    const honest = await RawConcordClient.connect(relay.url);
    honest.send({ type: MessageType.Subscribe, entries: [{ doc: 'honest', stateVector: Uint8Array.of(0) }] });
    await honest.next(is(MessageType.SyncReply), 'SyncReply');
    const mine = new Y.Doc();
    let sent = 0;
    mine.on('update', (update: Uint8Array) => {
      sent++;
      honest.send({ type: MessageType.Update, doc: 'honest', update });
    });

    let concord: RawConcordClient | null = null;
    let stock: WebSocket | null = null;
    const closeCodes = new Map<number, number>();
    const openStock = async (): Promise<WebSocket> => {
      const socket = new WebSocket(`${relay.url}/target`);
      socket.on('close', (code) => closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1));
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.once('open', resolve));
      return socket;
    };
    for (const [index, { endpoint, bytes }] of frames.entries()) {
      if (endpoint === 'concord') {
        if (concord === null || concord.closeCode !== null) {
          if (concord?.closeCode != null) closeCodes.set(concord.closeCode, (closeCodes.get(concord.closeCode) ?? 0) + 1);
          concord = await RawConcordClient.connect(relay.url);
          concord.socket.removeAllListeners('message'); // the fuzzer does not decode what it gets back
          concord.send({ type: MessageType.Subscribe, entries: [{ doc: 'target', stateVector: Uint8Array.of(0) }] });
        }
        concord.sendRaw(bytes);
      } else {
        if (stock === null || stock.readyState !== WebSocket.OPEN) stock = await openStock();
        stock.send(bytes);
      }
      if (index % 10 === 0) mine.getArray<number>('honest').push([index]);
      if (index % 25 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    let acks = 0;
    honest.socket.on('message', () => (acks = honest.received.filter((m) => m.type === MessageType.Ack).length));
    await waitFor(() => honest.received.filter((m) => m.type === MessageType.Ack).length >= sent, 'every honest update acknowledged', 15_000);
    expect(relay.child.exitCode).toBeNull();
    expect(honest.closeCode).toBeNull();
    console.info(`live fuzz: ${FRAMES} hostile frames, close codes ${JSON.stringify(Object.fromEntries(closeCodes))}, honest updates acked ${Math.max(acks, sent)}`);
    concord?.close();
    stock?.terminate();
    honest.close();

    relay.child.kill('SIGTERM');
    await relay.exited;
    relay = await startRelayProcess(['--data', data.path, '--log-level', 'silent']);
    const fresh = await RawConcordClient.connect(relay.url);
    fresh.send({ type: MessageType.Subscribe, entries: ['honest', 'target'].map((doc) => ({ doc, stateVector: Uint8Array.of(0) })) });
    const reply = await fresh.next(is(MessageType.SyncReply), 'SyncReply after restart');
    fresh.close();
    const restored = new Y.Doc();
    Y.applyUpdate(restored, reply.entries.find((entry) => entry.doc === 'honest')?.update ?? Uint8Array.of(0, 0));
    expect(restored.getArray('honest').toArray()).toEqual(mine.getArray('honest').toArray());
    expect(reply.entries.map((entry) => entry.doc)).toEqual(['honest', 'target']);
  }, 60_000);
});
