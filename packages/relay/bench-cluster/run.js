// @ts-check
// Fan-out latency of one document with 50 clients spread over two relays sharing a Redis (issue 7), against the same
// 50 clients on one relay. Not a test: prints p50/p99 of "one client writes → every other client has it".
// Usage (after `pnpm build`, needs Debian's redis-server): node packages/relay/bench-cluster/run.js [--clients 50] [--rounds 300]
// Everything runs on 127.0.0.1; every process it starts is stopped at the end.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decodeMessage, encodeMessage, MessageType, PROTOCOL_V1 } from '@concord/core/protocol';
import WebSocket from 'ws';
import * as Y from 'yjs';

const { values } = parseArgs({ options: { clients: { type: 'string', default: '50' }, rounds: { type: 'string', default: '300' } } });
const CLIENTS = Number(values.clients);
const ROUNDS = Number(values.rounds);
const PACE_MS = 10;
const RELAY_BIN = fileURLToPath(new URL('../bin/concord-relay.js', import.meta.url));
const REDIS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) => existsSync(path));
if (REDIS === undefined) {
  console.error('redis-server not found: apt-get install -y redis-server');
  process.exit(2);
}

/** @type {(() => void)[]} */
const cleanups = [];
const cleanup = () => {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      fn();
    } catch {
      // best effort
    }
  }
};
process.on('exit', cleanup);

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(address.port));
    });
  });
}

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'concord-bench-redis-'));
  const pidfile = join(dir, 'redis.pid');
  const port = await freePort();
  const args = ['--daemonize', 'yes', '--pidfile', pidfile, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const result = spawnSync(/** @type {string} */ (REDIS), args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`redis-server failed: ${result.stderr}`);
  for (let i = 0; i < 500 && !(existsSync(pidfile) && readFileSync(pidfile, 'utf8').trim() !== ''); i++) await sleep(10);
  const pid = Number(readFileSync(pidfile, 'utf8').trim());
  cleanups.push(() => {
    process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  return `redis://127.0.0.1:${port}`;
}

/** @param {string[]} extra @returns {Promise<string>} */
async function startRelay(extra) {
  const dir = mkdtempSync(join(tmpdir(), 'concord-bench-relay-'));
  const child = spawn(process.execPath, [RELAY_BIN, '--port', '0', '--host', '127.0.0.1', '--log-level', 'warn', '--data', dir, ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanups.push(() => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (/** @type {Buffer} */ chunk) => {
      out += chunk.toString();
      const match = /listening on (ws:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`relay exited ${code}`)));
  });
}

/**
 * A raw concord.v1 client on one document. `sent` maps "clientID:clock" of each written update to its send time.
 * @param {string} url @param {string} doc @param {Map<string, number>} sent @param {number[]} latencies
 */
async function connectClient(url, doc, sent, latencies) {
  const socket = new WebSocket(url, [PROTOCOL_V1]);
  const ydoc = new Y.Doc();
  let synced = false;
  socket.on('message', (/** @type {Buffer} */ data) => {
    const message = decodeMessage(new Uint8Array(data));
    if (message.type === MessageType.SyncReply) synced = true;
    if (message.type !== MessageType.Update) return;
    const now = performance.now();
    for (const [client, clock] of Y.parseUpdateMeta(message.update).from) {
      const at = sent.get(`${client}:${clock}`);
      if (at !== undefined) latencies.push(now - at);
    }
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.send(encodeMessage({ type: MessageType.Subscribe, entries: [{ doc, stateVector: Y.encodeStateVector(ydoc) }] }));
  while (!synced) await sleep(5);
  return {
    /** @param {number} round */
    write(round) {
      const clock = Y.getState(ydoc.store, ydoc.clientID);
      /** @type {Uint8Array | null} */
      let update = null;
      ydoc.once('update', (/** @type {Uint8Array} */ u) => (update = u));
      ydoc.getMap('m').set('round', round);
      sent.set(`${ydoc.clientID}:${clock}`, performance.now());
      if (update !== null) socket.send(encodeMessage({ type: MessageType.Update, doc, update }));
    },
    close: () => socket.terminate(),
  };
}

/** @param {number[]} values @param {number} q */
const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

/** @param {string} label @param {string[]} urls */
async function scenario(label, urls) {
  const sent = /** @type {Map<string, number>} */ (new Map());
  /** @type {number[]} */
  const latencies = [];
  const doc = `bench-${label}`;
  const clients = [];
  for (let i = 0; i < CLIENTS; i++) clients.push(await connectClient(/** @type {string} */ (urls[i % urls.length]), doc, sent, latencies));
  // Warm-up, then paced writes from rotating writers.
  for (let round = 0; round < 20; round++) {
    clients[round % CLIENTS]?.write(round);
    await sleep(PACE_MS);
  }
  await sleep(300);
  latencies.length = 0;
  const expected = ROUNDS * (CLIENTS - 1);
  for (let round = 0; round < ROUNDS; round++) {
    clients[round % CLIENTS]?.write(round);
    await sleep(PACE_MS);
  }
  for (let i = 0; i < 500 && latencies.length < expected; i++) await sleep(10);
  for (const client of clients) client.close();
  const result = { label, deliveries: latencies.length, expected, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
  console.log(`${label.padEnd(32)} deliveries ${result.deliveries}/${expected}  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms`);
  return result;
}

try {
  console.log(`fan-out latency, one document, ${CLIENTS} clients, ${ROUNDS} writes paced every ${PACE_MS} ms (rotating writers)`);
  const single = await startRelay([]);
  await scenario('one relay (no Redis)', [single]);
  const redis = await startRedis();
  const a = await startRelay(['--redis', redis]);
  const b = await startRelay(['--redis', redis]);
  await scenario('one relay (with --redis)', [a]);
  await scenario('two relays via Redis (25 + 25)', [a, b]);
} finally {
  cleanup();
}
