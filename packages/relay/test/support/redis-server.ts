import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait.js';

/**
 * A real `redis-server` (Debian's package) for the multi-relay tests: started daemonized on a free loopback port with
 * a pidfile in a temporary folder, no persistence, and stopped by that pid. `restart()` brings it back on the same port.
 */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** kill -9 the server (it loses everything: it persists nothing) and wait until it is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
  /** Stops it (if running) and removes its folder. */
  stop(): Promise<void>;
}

const CANDIDATES = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];
const started = new Set<number>();

/** The redis-server binary, installed with apt-get when missing and running as root; null if it cannot be had. */
export function ensureRedisServer(): string | null {
  const found = (): string | null => CANDIDATES.find((path) => existsSync(path)) ?? null;
  if (found() !== null) return found();
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'redis-server'], { stdio: 'ignore', env, timeout: 180_000 });
  } catch {
    try {
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env, timeout: 180_000 });
      execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'redis-server'], { stdio: 'ignore', env, timeout: 180_000 });
    } catch {
      return null;
    }
  }
  return found();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(500, () => socket.destroy());
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(reply.startsWith('+PONG')));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      socket.end();
    });
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

export async function startRedisServer(binary: string): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'concord-redis-'));
  const pidfile = join(dir, 'redis.pid');
  const port = await freePort();
  let pid: number | null = null;

  const launch = async (): Promise<void> => {
    const args = ['--daemonize', 'yes', '--pidfile', pidfile, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    const result = spawnSync(binary, args, { encoding: 'utf8', timeout: 10_000 });
    if (result.status !== 0) throw new Error(`redis-server failed to start: ${result.stderr || result.stdout}`);
    await waitFor(() => existsSync(pidfile) && readFileSync(pidfile, 'utf8').trim() !== '', 'the redis pidfile', 10_000);
    pid = Number(readFileSync(pidfile, 'utf8').trim());
    started.add(pid);
    const deadline = Date.now() + 10_000;
    while (!(await answersPing(port))) {
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} does not answer PING`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const kill = async (): Promise<void> => {
    const current = pid;
    if (current === null) return;
    pid = null;
    if (alive(current)) process.kill(current, 'SIGKILL');
    await waitFor(() => !alive(current), `redis-server ${current} to exit`, 10_000);
    started.delete(current);
    await rm(pidfile, { force: true });
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    restart: launch,
    stop: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// Last resort if a test run is torn down without its afterAll: never leave a daemon behind.
process.once('exit', () => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});
