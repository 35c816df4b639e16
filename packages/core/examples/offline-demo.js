// @ts-check
// The offline-merge demo in a terminal: a real relay on a free port, two clients of one list, each storing its
// documents in its own LevelDB directory (`@concord/core/node`). Both make conflicting edits while Bob is offline.
// The first run stops there, with Bob's edits waiting; the next run restarts everything from disk (Bob's offline edits
// and his pending count come back), reconnects Bob and shows the lists converge. Run: npx -y pnpm@10.34.9 demo:offline
// Options: --dir DIR (where the relay's and both clients' data live; default: a folder in the system's temp directory),
// --reset (start over).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { Concord, WebSocketTransport } from '@concord/core';
import { LevelDbPersistence } from '@concord/core/node';

const RELAY_BIN = fileURLToPath(new URL('../../relay/bin/concord-relay.js', import.meta.url));
const WIDTH = 46;
const bold = (/** @type {string} */ text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

/** @param {string} data @returns {Promise<{ url: string, stop: () => Promise<void> }>} */
async function startRelay(data) {
  await mkdir(data, { recursive: true });
  const relay = spawn(process.execPath, [RELAY_BIN, '--port', '0', '--data', data, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  /** @type {string} */
  const url = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: /** @type {import('node:stream').Readable} */ (relay.stdout) });
    lines.on('line', (line) => {
      const match = /listening on (ws:\/\/\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    relay.once('exit', (code) => reject(new Error(`relay exited with code ${code}`)));
  });
  return {
    url,
    stop: async () => {
      const exited = new Promise((resolve) => relay.once('exit', resolve));
      relay.kill('SIGTERM');
      await exited;
    },
  };
}

/** @param {string} url @param {string} user @param {{ offline?: boolean }} [options] */
async function openClient(url, user, { offline = false } = {}) {
  const transport = new WebSocketTransport({ url, WebSocket: /** @type {never} */ (WebSocket), connectivity: null, connect: !offline });
  // Each client keeps its documents and the relay's confirmations in its own directory: they outlive the process.
  const persistence = await LevelDbPersistence.open({ directory: join(dir, user.toLowerCase()) });
  const concord = new Concord({ persistence, transport, userId: user, syncTabs: false });
  const list = await concord.openList('demo');
  await list.documentsLoaded;
  return { user, concord, transport, list };
}

/** @typedef {Awaited<ReturnType<typeof openClient>>} Client */

/** @param {Client} client */
function render(client) {
  const status = client.list.status;
  const lines = [bold(`${client.user} — ${status.state}, ${status.pendingChanges} waiting`)];
  for (const task of client.list.tasks()) lines.push(`${task.completed ? '[x]' : '[ ]'} ${task.title}`);
  for (const task of client.list.trash()) lines.push(`trash: ${task.completed ? '[x]' : '[ ]'} ${task.title}`);
  return lines;
}

/** @param {string} heading @param {Client[]} clients */
function show(heading, clients) {
  const columns = clients.map(render);
  const rows = Math.max(...columns.map((column) => column.length));
  console.log(`\n${bold(`== ${heading} ==`)}`);
  for (let i = 0; i < rows; i++) {
    // eslint-disable-next-line no-control-regex -- measure text without the bold escape codes
    const cells = columns.map((column) => (column[i] ?? '').padEnd(WIDTH + ((column[i] ?? '').length - (column[i] ?? '').replace(/\x1b\[\d+m/g, '').length)));
    console.log(cells.join(' │ '));
  }
}

/**
 * Polls until `condition` holds; the demo never sleeps blindly.
 * @param {() => boolean} condition @param {string} what @param {number} [timeoutMs]
 */
async function until(condition, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** @param {Client} client */
const snapshot = (client) => JSON.stringify({ live: client.list.tasks().map((t) => [t.id, t.title, t.completed]), trash: client.list.trash().map((t) => t.id).sort() });
/** @param {Client} client @param {string} title */
const find = (client, title) => {
  const task = client.list.tasks().find((t) => t.title === title);
  if (!task) throw new Error(`no task ${title} at ${client.user}`);
  return task.id;
};
/** @param {Client} client */
const synced = (client) => client.list.status.state === 'synced' && client.list.status.pendingChanges === 0;

const { values: args } = parseArgs({ options: { dir: { type: 'string' }, reset: { type: 'boolean' } } });
const dir = args.dir ?? join(tmpdir(), 'concord-offline-demo');
if (args.reset) await rm(dir, { recursive: true, force: true });
const resuming = existsSync(join(dir, 'bob'));
const relay = await startRelay(join(dir, 'relay'));
console.log(`relay ${relay.url}; the relay's and both clients' LevelDB data in ${dir}`);
const ann = await openClient(relay.url, 'Ann');
// Bob starts offline: a first run leaves him offline, with edits waiting.
const bob = await openClient(relay.url, 'Bob', { offline: true });
try {
  if (!resuming) {
    for (const title of ['Buy milk', 'Write the report', 'Call the plumber']) ann.list.create({ title });
    bob.transport.connect();
    await until(() => bob.list.tasks().length === 3 && synced(ann) && synced(bob), 'live sync');
    show('Live: Ann adds three tasks, Bob sees them at once', [ann, bob]);

    bob.transport.disconnect();
    await until(() => bob.list.status.state === 'offline', 'Bob offline');
    const milk = find(ann, 'Buy milk');
    const report = find(ann, 'Write the report');
    const plumber = find(ann, 'Call the plumber');
    ann.list.update(milk, { title: 'Buy oat milk' });
    bob.list.update(milk, { title: 'Buy milk and eggs' });
    ann.list.update(plumber, { completed: true });
    bob.list.delete(plumber);
    ann.list.create({ title: 'Book the venue' });
    bob.list.create({ title: 'Pay the invoice' });
    ann.list.move(report, null);
    const bobTasks = bob.list.tasks();
    bob.list.move(report, bobTasks[bobTasks.length - 1]?.id ?? null);
    await until(() => synced(ann) && bob.list.status.pendingChanges > 0, 'Ann synced, Bob counting his edits');
    show('Bob offline; both edit the same title, Ann completes what Bob deletes, both create, both move', [ann, bob]);
    console.log(`\nStopping here with Bob offline and ${bob.list.status.pendingChanges} changes waiting, all on disk.` +
      `\nRun the demo again: everything restarts from disk, then Bob reconnects.`);
  } else {
    show('Restarted from disk: Bob is still offline, his edits and pending count restored', [ann, bob]);
    bob.transport.connect();
    await until(() => synced(ann) && synced(bob) && snapshot(ann) === snapshot(bob), 'convergence');
    show('Bob back online: both lists converge, nothing lost, no conflict dialog', [ann, bob]);
    console.log(
      `\nThe title merged by character; the delete won over the concurrent completion (it is in the trash, with the` +
        `\ncompletion kept for a restore); both new tasks are there; the moved task has one place on both sides.` +
        `\nThe next run starts over.`,
    );
  }
} finally {
  await Promise.all([ann.concord.close(), bob.concord.close()]);
  await relay.stop();
}
if (resuming) await rm(dir, { recursive: true, force: true });
