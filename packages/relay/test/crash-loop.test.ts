import { MessageType, type Message } from '@concord/core/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RawConcordClient } from './support/concord-client.js';
import { startRelayProcess, useRelayData } from './support/relay-process.js';

const data = useRelayData();

const DOC = 'crash/list';
const ITERATIONS = 20;
const WRITERS = 3;

const is =
  <T extends Message['type']>(type: T) =>
  (message: Message): message is Extract<Message, { type: T }> =>
    message.type === type;

/** Per client id, the highest clock the relay has promised (acked) or shown to another client (forwarded). */
function raise(promised: Map<number, number>, stateVector: Map<number, number>): void {
  for (const [client, clock] of stateVector) promised.set(client, Math.max(promised.get(client) ?? 0, clock));
}

async function storedStateVector(url: string): Promise<Map<number, number>> {
  const reader = await RawConcordClient.connect(url);
  reader.send({ type: MessageType.Subscribe, entries: [{ doc: DOC, stateVector: Uint8Array.of(0) }] });
  const reply = await reader.next(is(MessageType.SyncReply), 'SyncReply');
  reader.close();
  const doc = new Y.Doc();
  Y.applyUpdate(doc, reply.entries[0]?.update ?? Uint8Array.of(0, 0));
  return Y.decodeStateVector(Y.encodeStateVector(doc));
}

describe(`crash loop: kill -9 during write load, ${ITERATIONS} times`, () => {
  it('loses no acknowledged or forwarded update', async () => {
    const seed = Number(process.env.CONCORD_CRASH_SEED ?? Date.now() % 1_000_000);
    console.info(`crash loop seed ${seed} (replay with CONCORD_CRASH_SEED=${seed})`);
    const delays = fc.sample(fc.integer({ min: 30, max: 250 }), { seed, numRuns: ITERATIONS });
    const promised = new Map<number, number>();
    let acked = 0;
    let forwarded = 0;
    let survived = 0;
    for (const delay of delays) {
      const relay = await startRelayProcess(['--data', data.path, '--log-level', 'silent']);
      // Everything promised by earlier incarnations must be here after the restart.
      const stored = await storedStateVector(relay.url);
      const lost = [...promised].filter(([client, clock]) => (stored.get(client) ?? 0) < clock);
      expect(lost, `seed ${seed}: lost after restart ${survived}`).toEqual([]);
      const listener = await RawConcordClient.connect(relay.url);
      listener.socket.on('message', () => {
        for (const message of listener.received.splice(0)) {
          if (message.type !== MessageType.Update) continue;
          forwarded++;
          raise(promised, Y.decodeStateVector(Y.encodeStateVectorFromUpdate(message.update)));
        }
      });
      listener.send({ type: MessageType.Subscribe, entries: [{ doc: DOC, stateVector: Uint8Array.of(0) }] });
      const writers = await Promise.all(Array.from({ length: WRITERS }, () => RawConcordClient.connect(relay.url)));
      for (const writer of writers) {
        writer.socket.on('message', () => {
          for (const message of writer.received.splice(0)) {
            if (message.type !== MessageType.Ack) continue;
            acked++;
            raise(promised, Y.decodeStateVector(message.clocks));
          }
        });
        writer.send({ type: MessageType.Subscribe, entries: [{ doc: DOC, stateVector: Uint8Array.of(0) }] });
      }
      const stop = { now: false };
      const load = writers.map(async (writer) => {
        const doc = new Y.Doc();
        doc.on('update', (update: Uint8Array) => writer.socket.readyState === writer.socket.OPEN && writer.send({ type: MessageType.Update, doc: DOC, update }));
        for (let i = 0; !stop.now; i++) {
          doc.getArray<number>('items').push([i]);
          if (i % 5 === 4) await new Promise((resolve) => setTimeout(resolve, 1));
        }
      });
      await new Promise((resolve) => setTimeout(resolve, delay));
      relay.child.kill('SIGKILL');
      await relay.exited;
      stop.now = true;
      await Promise.all(load);
      for (const client of [listener, ...writers]) client.close();
      survived++;
    }
    const relay = await startRelayProcess(['--data', data.path, '--log-level', 'silent']);
    const stored = await storedStateVector(relay.url);
    const lost = [...promised].reduce((sum, [client, clock]) => sum + Math.max(0, clock - (stored.get(client) ?? 0)), 0);
    console.info(`crash loop: ${survived} kills survived, ${acked} acks and ${forwarded} forwarded updates observed, items lost ${lost}`);
    expect(lost).toBe(0);
    expect(acked).toBeGreaterThan(0);
  }, 120_000);
});
