/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- a measurement script in plain JS */
// History on the relay, measured: a 1,000-task list, 10,000 edits by three users over 30 simulated days, checkpointed
// as the relay does (a document that changed gets one at least hourly; retention applied as they are stored), then:
// the bytes of history against the list without it, and the time to restore the whole list (after a wipe, and to
// 15 days ago, through the CLI's path on the stopped relay's directory; then after another wipe, through a running relay
// process as a client asks for it, with a client connected that must receive it). Not a test. After `pnpm build`:
//   node packages/relay/bench/history-restore.js [tasks] [edits]
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Concord, MemoryPersistence } from '@concord/core';
import { decodeMessage, encodeMessage, MessageType, PROTOCOL_V2 } from '@concord/core/protocol';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { LevelDbStorage } from '../dist/storage/leveldb-storage.js';
import { compactUpdates, mergeUpdatesTree } from '../dist/engine/merge-tree.js';
import { encodeHistory } from '../dist/history/history-record.js';
import { storeCheckpoint } from '../dist/history/history-recorder.js';
import { restoreList } from '../dist/commands/history-commands.js';

const TASKS = Number(process.argv[2] ?? 1000);
const EDITS = Number(process.argv[3] ?? 10000);
const DAYS = 30;
const HOUR = 3_600_000;
const start = Date.UTC(2026, 10, 1);
const LIST = 'bench-list';
const dir = `/tmp/concord-history-bench-${process.pid}`;
const storage = await LevelDbStorage.open(dir);
let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = (n) => Math.floor(random() * n);
const users = ['ann', 'bob', 'cy'].map((name, i) => ({ name, client: 1000 + i }));

/** Each user's replica of every document (the relay sees their updates). */
const names = [LIST, ...Array.from({ length: TASKS }, (_, i) => `${LIST}/t${i}`)];
const docs = new Map(names.map((name) => [name, new Y.Doc()]));
let queue = [];
const bound = new Set();
for (const [name, doc] of docs) {
  doc.on('update', (update, origin) => {
    const user = origin ?? users[0];
    const key = `${name}:${user.client}`;
    const binds = bound.has(key) ? undefined : new Map([[user.client, user.name]]);
    bound.add(key);
    queue.push({ doc: name, update, ...(binds && { binds }) });
  });
}
const flush = async () => {
  if (queue.length > 0) await storage.appendUpdates(queue);
  queue = [];
};
const as = (user, doc, change) => {
  doc.clientID = user.client;
  doc.transact(change, user);
};

// Day 0: the list is made, each task with a title.
const tasks = docs.get(LIST).getMap('tasks');
for (let i = 0; i < TASKS; i++) {
  as(users[0], docs.get(LIST), () => {
    const entry = new Y.Map();
    entry.set('order', `a${String(i).padStart(5, '0')}`);
    tasks.set(`t${i}`, entry);
  });
  as(users[0], docs.get(`${LIST}/t${i}`), () => {
    docs.get(`${LIST}/t${i}`).getText('title').insert(0, `Task number ${i}`);
    docs.get(`${LIST}/t${i}`).getMap('fields').set('createdAt', start);
  });
}
await flush();

const changedSince = new Map(names.map((name) => [name, start]));
let checkpoints = 0;
async function checkpoint(name, at) {
  await storeCheckpoint(storage, name, at);
  checkpoints++;
}
for (const name of names) await checkpoint(name, start + 60_000);
changedSince.clear();

// 10,000 edits over 30 days: typing, renames, completion, moves.
const times = Array.from({ length: EDITS }, () => start + HOUR + random() * (DAYS * 24 * HOUR - 2 * HOUR)).sort((a, b) => a - b);
const t0 = performance.now();
for (const at of times) {
  const user = users[pick(3)];
  const name = `${LIST}/t${pick(TASKS)}`;
  const kind = random();
  const target = kind < 0.1 ? LIST : name;
  const since = changedSince.get(target);
  if (since !== undefined && at - since >= HOUR) {
    await flush();
    await checkpoint(target, since + HOUR);
    changedSince.delete(target);
  }
  if (!changedSince.has(target)) changedSince.set(target, at);
  const doc = docs.get(target);
  if (target === LIST) {
    as(user, doc, () => tasks.get(name.slice(LIST.length + 1)).set('order', `a${String(pick(TASKS)).padStart(5, '0')}m${pick(1000)}`));
  } else if (kind < 0.5) {
    const title = doc.getText('title');
    as(user, doc, () => title.insert(pick(title.length + 1), ' x'));
  } else if (kind < 0.8) {
    const title = doc.getText('title');
    as(user, doc, () => {
      const from = pick(Math.max(1, title.length - 3));
      title.delete(from, Math.min(3, title.length - from));
      title.insert(from, 'new');
    });
  } else {
    as(user, doc, () => doc.getMap('fields').set('completed', !doc.getMap('fields').get('completed')));
  }
  if (queue.length >= 100) await flush();
}
await flush();
const end = start + DAYS * 24 * HOUR;
for (const name of changedSince.keys()) await checkpoint(name, end - 1);
console.log(`simulated ${EDITS} edits on ${TASKS} tasks over ${DAYS} days in ${(performance.now() - t0).toFixed(0)} ms; ${checkpoints} checkpoints taken (identical ones not stored)`);

// Compacted as the relay does (merged, deleted content kept), then the figures.
let logBytes = 0;
let squashedBytes = 0;
let historyBytes = 0;
let kept = 0;
for (const name of names) {
  await storage.compact(name, mergeUpdatesTree);
  const updates = await storage.loadUpdates(name);
  logBytes += updates.reduce((sum, update) => sum + update.byteLength, 0);
  squashedBytes += compactUpdates(updates).byteLength;
  const history = await storage.listCheckpoints(name);
  kept += history.length;
  // Key: 'h', u32 length, name; value: the document's checkpoints, each against the one before.
  if (history.length > 0) historyBytes += 1 + 4 + Buffer.byteLength(name) + encodeHistory(history).byteLength;
}
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
console.log(`list without history (squashed, as a garbage-collecting Y.Doc would store it): ${kb(squashedBytes)}`);
console.log(`relay log as kept (merged, deleted content kept for history): ${kb(logBytes)}; checkpoints: ${kept}, ${kb(historyBytes)} (keys included)`);
console.log(`history costs ${kb(logBytes - squashedBytes + historyBytes)}: total ${((logBytes + historyBytes) / squashedBytes).toFixed(2)}x the list without history`);

// A wipe by bob (every task deleted, a tenth purged), then restore to just before it.
const wipeAt = end + HOUR;
for (let i = 0; i < TASKS; i++) {
  as(users[1], docs.get(LIST), () => {
    if (i % 10 === 0) tasks.delete(`t${i}`);
    else {
      tasks.get(`t${i}`).set('deletedAt', wipeAt);
      tasks.get(`t${i}`).set('deletedBy', 'bob');
    }
  });
}
await flush();
await checkpoint(LIST, wipeAt);
let t = performance.now();
const afterWipe = await restoreList(storage, LIST, wipeAt - 1, null, () => undefined, wipeAt + 60_000);
console.log(`restore after a wipe (to just before it): ${afterWipe.changed} of ${afterWipe.documents} documents changed, ${afterWipe.bytes} bytes, ${(performance.now() - t).toFixed(0)} ms`);
t = performance.now();
const fifteen = await restoreList(storage, LIST, start + 15 * 24 * HOUR, null, () => undefined, wipeAt + 120_000);
console.log(`restore to 15 days ago: ${fifteen.changed} of ${fifteen.documents} documents changed, ${fifteen.bytes} bytes, ${(performance.now() - t).toFixed(0)} ms`);
const check = new Y.Doc();
Y.applyUpdate(check, mergeUpdatesTree(await storage.loadUpdates(LIST)));
const live = [...check.getMap('tasks').values()].filter((entry) => !entry.has('deletedAt')).length;
console.log(`after the restores: ${live} of ${TASKS} tasks live`);

// Another wipe, then a restore through a running relay: a client connected with the whole list open must get it all.
const liveWipeAt = wipeAt + 3 * HOUR;
Y.applyUpdate(docs.get(LIST), mergeUpdatesTree(await storage.loadUpdates(LIST)));
as(users[1], docs.get(LIST), () => {
  for (const entry of tasks.values()) {
    if (entry.has('deletedAt')) continue;
    entry.set('deletedAt', liveWipeAt);
    entry.set('deletedBy', 'bob');
  }
});
await flush();
await checkpoint(LIST, liveWipeAt);
await storage.close();

const relay = spawn(process.execPath, [fileURLToPath(new URL('../bin/concord-relay.js', import.meta.url)), '--data', dir, '--port', '0', '--host', '127.0.0.1', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve) => {
  let out = '';
  relay.stdout.on('data', (chunk) => {
    out += chunk;
    const match = /listening on (ws:\/\/\S+)/.exec(out);
    if (match) resolve(match[1]);
  });
});
const concord = new Concord({ url, WebSocket, persistence: new MemoryPersistence(), userId: 'cy', syncTabs: false });
const watched = await concord.openList(LIST);
const liveCount = () => watched.tasks().length;
t = performance.now();
while (!(watched.status.state === 'synced' && liveCount() === 0 && watched.trash().length === TASKS)) await new Promise((resolve) => setTimeout(resolve, 20));
console.log(`a client opened the wiped list (${TASKS} tasks in the trash) from the running relay in ${(performance.now() - t).toFixed(0)} ms`);
const requester = new WebSocket(url, [PROTOCOL_V2]);
await new Promise((resolve) => requester.once('open', resolve));
const replies = [];
requester.on('message', (data) => {
  const message = decodeMessage(new Uint8Array(data));
  if (message.type === MessageType.RestoreReply || message.type === MessageType.RestoreResult) replies.push({ message, at: performance.now() });
});
const shown = () => watched.tasks().map((task) => `${task.id}:${task.title}`).join();
/** CPU time the relay process has used, in ms (user + system; Linux): less noisy than wall time on a shared machine. */
async function relayCpuMs() {
  const fields = (await readFile(`/proc/${relay.pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
/** Asks the running relay for a restore; the times to its reply and to the watching client showing the result. */
async function liveRestore(label, time) {
  const seen = [];
  const onChange = () => seen.push({ at: performance.now(), tasks: shown() });
  watched.on('change', onChange);
  replies.length = 0;
  const cpuBefore = await relayCpuMs();
  const sent = performance.now();
  requester.send(encodeMessage({ type: MessageType.RestoreRequest, id: 1, doc: LIST, time, only: '' }));
  while (replies.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const { message, at } = replies[0];
  const cpu = (await relayCpuMs()) - cpuBefore;
  // The truth: what a client that joins afterwards gets from the relay.
  const fresh = new Concord({ url, WebSocket, persistence: new MemoryPersistence(), userId: 'dee', syncTabs: false });
  const check = await fresh.openList(LIST);
  while (check.status.state !== 'synced' || check.tasks().length + check.trash().length < TASKS) await new Promise((resolve) => setTimeout(resolve, 20));
  const expected = check.tasks().map((task) => `${task.id}:${task.title}`).join();
  await fresh.close();
  watched.off('change', onChange);
  const done = seen.find((each) => each.tasks === expected);
  console.log(
    `live restore ${label}, through the running relay: ${message.changed} of ${TASKS + 1} documents changed${message.error ? ` (${message.error})` : ''}; ` +
      `the relay's reply after ${(at - sent).toFixed(0)} ms (relay CPU ${cpu.toFixed(0)} ms); the connected client showed every document restored after ` +
      `${done ? (done.at - sent).toFixed(0) : 'never'} ms, in ${seen.length} change event(s)`,
  );
}
await liveRestore('after a wipe (to just before it)', liveWipeAt - 1);
await liveRestore('to 10 days earlier', start + 20 * 24 * HOUR);
requester.close();
await concord.close();
relay.kill('SIGTERM');
await new Promise((resolve) => relay.once('exit', resolve));
await rm(dir, { recursive: true, force: true });
