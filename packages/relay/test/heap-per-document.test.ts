/**
 * Measurement, not a regression test (skipped unless CONCORD_MEASURE_HEAP=1): relay heap per loaded document with the
 * relay's design (encoded updates, merged lazily, no Y.Doc) versus one Y.Doc per document.
 *
 *   CONCORD_MEASURE_HEAP=1 npx -y pnpm@10.34.9 exec vitest run packages/relay/test/heap-per-document.test.ts
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RelayEngine } from '../src/engine/relay-engine.js';
import type { DocumentStorage } from '../src/storage/document-storage.js';
import { FakeMember } from './support/fake-member.js';

const DOCS = Number(process.env.CONCORD_HEAP_DOCS ?? 2000);
const EDITS = 20;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function settledHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  // Typed arrays keep their bytes outside the V8 heap: count them too.
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** A task document as core writes it: title and description texts, a fields map; one update per edit. */
function taskUpdates(seed: number): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const title = doc.getText('title');
  const fields = doc.getMap('fields');
  doc.transact(() => {
    title.insert(0, `Task ${seed}: buy milk`);
    fields.set('completed', false);
    fields.set('createdAt', 1_764_000_000_000 + seed);
    fields.set('schema', 1);
  });
  for (let i = 1; i < EDITS; i++) {
    if (i % 4 === 0) fields.set('updatedAt', 1_764_000_000_000 + seed + i);
    else if (i % 4 === 1) doc.getText('description').insert(0, `note ${i} `);
    else title.insert(title.length, i % 2 ? '!' : ' and bread');
  }
  doc.destroy();
  return updates;
}

describe.skipIf(process.env.CONCORD_MEASURE_HEAP !== '1')('heap per loaded document', () => {
  it(`${DOCS} documents of ${EDITS} updates each`, async () => {
    const source = Array.from({ length: DOCS }, (_, i) => taskUpdates(i));
    const names = source.map((_, i) => `list/task-${i}`);
    const storage: DocumentStorage = {
      loadUpdates: (doc) => Promise.resolve([...(source[Number(doc.slice(10))] ?? [])]),
      appendUpdates: () => Promise.resolve(),
      compact: () => Promise.resolve({ replaced: 0, bytesBefore: 0, bytesAfter: 0 }),
      quarantine: () => Promise.resolve([]),
      listQuarantine: () => Promise.resolve([]),
      releaseQuarantined: () => Promise.resolve(false),
      loadClientBindings: () => Promise.resolve(new Map()),
      putCheckpoint: () => Promise.resolve(),
      listCheckpoints: () => Promise.resolve([]),
      listDocuments: () => Promise.resolve(names),
      close: () => Promise.resolve(),
    };

    const baseline = await settledHeap();
    const engine = new RelayEngine({ storage, idleUnloadMs: 3_600_000 });
    const member = new FakeMember();
    for (const name of names) {
      const view = await engine.join(name, member);
      view.sync(Uint8Array.of(0)); // a client subscribed: the room now holds the merged update and its state vector
    }
    const relayHeap = (await settledHeap()) - baseline;
    await engine.close();

    const base2 = await settledHeap();
    const docs = new Map<string, Y.Doc>();
    for (const [i, name] of names.entries()) {
      const doc = new Y.Doc();
      for (const update of source[i] ?? []) Y.applyUpdate(doc, update);
      docs.set(name, doc);
    }
    const yDocHeap = (await settledHeap()) - base2;
    const stored = source.reduce((sum, updates) => sum + updates.reduce((s, u) => s + u.byteLength, 0), 0);
    const merged = Y.mergeUpdates(source[0] ?? []).byteLength;
    console.info(
      `heap per loaded document (${DOCS} docs, ${EDITS} updates each, ${(stored / DOCS).toFixed(0)} B stored, ${merged} B merged): ` +
        `relay (encoded updates) ${(relayHeap / DOCS).toFixed(0)} B; Y.Doc ${(yDocHeap / DOCS).toFixed(0)} B; ratio ${(relayHeap / yDocHeap).toFixed(2)}`,
    );
    expect(docs.size).toBe(DOCS);
  });
});
