/* eslint-disable @typescript-eslint/no-unsafe-assignment -- a measurement script in plain JS: its arrays are untyped */
// Issue 5's figure: loading a document of 100,000 small updates (and answering a fresh client), before and after
// compacting its LevelDB log into one merged update. Not a test. After `pnpm build`:
//   node packages/relay/bench/compaction-100k.js [updates]
// Prints heap after each step; the lines to read are "synced … in N" (before) and "after compaction: … in N".
import * as Y from 'yjs';
import { LevelDbStorage } from '../dist/storage/leveldb-storage.js';
import { mergeUpdatesTree } from '../dist/engine/merge-tree.js';
const N = Number(process.argv[2] ?? 100000);
const mem = (l) => console.log(l, (process.memoryUsage().heapUsed / 1e6).toFixed(0), 'MB heap', (process.memoryUsage().rss / 1e6).toFixed(0), 'MB rss');
const doc = new Y.Doc(); /** @type {Uint8Array[]} */ const updates = []; doc.on("update", (/** @type {Uint8Array} */ u) => updates.push(u));
const items = doc.getArray('items'); for (let i = 0; i < N; i++) items.push([i]);
mem('generated');
const base = '/tmp/concord-compaction-' + Date.now();
const storage = await LevelDbStorage.open(base + '-a');
for (let i = 0; i < updates.length; i += 1000) await storage.appendUpdates(updates.slice(i, i + 1000).map((update) => ({ doc: 'big', update })));
mem('written');
let t = performance.now(); const loaded = /** @type {Uint8Array[]} */ (await storage.loadUpdates("big")); mem('loaded ' + loaded.length + ' in ' + (performance.now() - t).toFixed(0));
t = performance.now(); const merged = /** @type {Uint8Array} */ (mergeUpdatesTree(loaded)); mem('merged ' + merged.byteLength + ' in ' + (performance.now() - t).toFixed(0));
await storage.close();
const { RelayEngine } = await import('../dist/engine/relay-engine.js');
const storage2 = await LevelDbStorage.open(base + '-b');
for (let i = 0; i < updates.length; i += 1000) await storage2.appendUpdates(updates.slice(i, i + 1000).map((update) => ({ doc: 'big', update })));
mem('written2');
const engine = new RelayEngine({ storage: storage2, idleUnloadMs: 0, compactThreshold: Number.MAX_SAFE_INTEGER, compactBytes: Number.MAX_SAFE_INTEGER });
const member = { receiveUpdate() {}, receiveAwareness() {} };
t = performance.now();
const view = await engine.join('big', member);
mem('joined in ' + (performance.now() - t).toFixed(0));
const { update } = view.sync(Uint8Array.of(0));
mem('synced ' + update.byteLength + ' in ' + (performance.now() - t).toFixed(0));
engine.leave('big', member); await engine.close(); await storage2.close();
const storage3 = await LevelDbStorage.open(base + '-c');
for (let i = 0; i < updates.length; i += 1000) await storage3.appendUpdates(updates.slice(i, i + 1000).map((update) => ({ doc: 'big', update })));
t = performance.now();
const result = /** @type {unknown} */ (await storage3.compact("big", mergeUpdatesTree));
mem('compacted in ' + (performance.now() - t).toFixed(0) + ' ' + JSON.stringify(result));
const engine3 = new RelayEngine({ storage: storage3, idleUnloadMs: 0, compactThreshold: Number.MAX_SAFE_INTEGER, compactBytes: Number.MAX_SAFE_INTEGER });
t = performance.now();
const view3 = await engine3.join('big', member);
view3.sync(Uint8Array.of(0));
mem('after compaction: joined+synced in ' + (performance.now() - t).toFixed(0));
engine3.leave('big', member); await engine3.close(); await storage3.close();
const { rm } = await import('node:fs/promises');
for (const suffix of ['-a', '-b', '-c']) await rm(base + suffix, { recursive: true, force: true });
