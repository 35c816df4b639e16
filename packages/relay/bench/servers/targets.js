// @ts-check
// Every relay the bench compares, and how to start one on loopback, port 0, with a data directory of its own.
import process from 'node:process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServerProcess } from '../lib/proc.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const relayRoot = path.resolve(here, '../..');

/** The CLI imports the compiled relay; without dist/ it cannot start, and the harness says so instead of failing. */
export const CONCORD_DIST = path.join(relayRoot, 'dist/cli.js');
const CONCORD_BIN = path.join(relayRoot, 'bin/concord-relay.js');

/**
 * The Node flags the relay's executable starts Node with: what its `#!/usr/bin/env -S node …` line names, so Concord
 * is measured as `concord-relay`, `pnpm start` and the README run it. The peers run on plain `node`, as their own
 * documentation runs them; `BENCH_SERVER_NODE_FLAGS` adds flags to every server.
 * @returns {string[]}
 */
function readConcordNodeFlags() {
  const shebang = existsSync(CONCORD_BIN) ? readFileSync(CONCORD_BIN, 'utf8').split('\n', 1)[0] ?? '' : '';
  return /^#!\S*env -S node\b(.*)$/.exec(shebang)?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
}
const CONCORD_NODE_FLAGS = readConcordNodeFlags();

/**
 * @typedef {'yws' | 'hocuspocus' | 'raw'} Protocol
 * @typedef {object} Target
 * @property {string} id
 * @property {string} label column heading in the report
 * @property {Protocol} protocol how light clients frame messages for it
 * @property {boolean} persistent whether it keeps documents across a restart (S3's cold path, S4)
 * @property {boolean} peer false only for Concord, the subject of the comparison
 * @property {(dataDir: string) => { script: string, args: string[], nodeFlags?: string[] }} command
 * @property {() => string | null} unavailable a reason to skip, or null
 */

const always = () => null;
const local = (/** @type {string} */ file) => path.join(here, file);
/** The other relays' packages live in peers/, with a lockfile of their own, installed by `pnpm bench` (`pnpm bench:peers`). */
const PEERS = path.resolve(here, '../peers');
const peer = (/** @type {string} */ file) => path.join(PEERS, file);
const peersInstalled = () =>
  existsSync(path.join(PEERS, 'node_modules/.modules.yaml')) ? null : 'the peers are not installed (run `pnpm bench:peers` in packages/relay, or `pnpm bench`)';

/** @type {Target[]} */
export const TARGETS = [
  {
    id: 'concord',
    label: 'Concord',
    protocol: 'yws',
    persistent: true,
    peer: false,
    command: (dir) => ({ script: CONCORD_BIN, args: ['--host', '127.0.0.1', '--port', '0', '--data', dir], nodeFlags: CONCORD_NODE_FLAGS }),
    unavailable: () =>
      existsSync(CONCORD_DIST) && existsSync(CONCORD_BIN)
        ? null
        : `Concord relay not built (${path.relative(process.cwd(), CONCORD_DIST)} missing): run \`pnpm build\` first`,
  },
  {
    id: 'yws-mem',
    label: 'y-websocket mem',
    protocol: 'yws',
    persistent: false,
    peer: true,
    command: () => ({ script: peer('y-websocket.js'), args: ['--host', '127.0.0.1'] }),
    unavailable: peersInstalled,
  },
  {
    id: 'yws-leveldb',
    label: 'y-websocket + LevelDB',
    protocol: 'yws',
    persistent: true,
    peer: true,
    command: (dir) => ({ script: peer('y-websocket.js'), args: ['--host', '127.0.0.1', '--data', dir] }),
    unavailable: peersInstalled,
  },
  {
    id: 'hocus-mem',
    label: 'Hocuspocus mem',
    protocol: 'hocuspocus',
    persistent: false,
    peer: true,
    command: () => ({ script: peer('hocuspocus.js'), args: ['--host', '127.0.0.1'] }),
    unavailable: peersInstalled,
  },
  {
    id: 'hocus-sqlite',
    label: 'Hocuspocus + SQLite',
    protocol: 'hocuspocus',
    persistent: true,
    peer: true,
    command: (dir) => ({ script: peer('hocuspocus.js'), args: ['--host', '127.0.0.1', '--data', dir] }),
    unavailable: peersInstalled,
  },
  {
    id: 'raw',
    label: 'raw ws',
    protocol: 'raw',
    persistent: false,
    peer: true,
    command: () => ({ script: local('raw-ws.js'), args: ['--host', '127.0.0.1'] }),
    unavailable: always,
  },
];

/**
 * The targets a tool's `--targets` names (ids, comma-separated), in that order; throws on an unknown or unavailable one.
 * @param {string} ids
 * @returns {Target[]}
 */
export function targetsNamed(ids) {
  return ids.split(',').map((id) => {
    const target = TARGETS.find((candidate) => candidate.id === id);
    if (target === undefined) throw new Error(`unknown target ${id}`);
    const unavailable = target.unavailable();
    if (unavailable !== null) throw new Error(`${id}: ${unavailable}`);
    return target;
  });
}

/** @type {string[]} every data directory made in this run, for the final cleanup */
export const dataDirs = [];

export function freshDataDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'concord-bench-'));
  dataDirs.push(dir);
  return dir;
}

/**
 * Start a target on the given data directory (a fresh one unless a restart reuses it).
 * @param {Target} target
 * @param {string} [dataDir]
 */
export async function startServer(target, dataDir = freshDataDir()) {
  const { script, args, nodeFlags = [] } = target.command(dataDir);
  const server = new ServerProcess(script, args, target.label, nodeFlags);
  try {
    const url = await server.ready();
    return { server, url, dataDir };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
