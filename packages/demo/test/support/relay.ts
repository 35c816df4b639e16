import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const DEMO_DIR = resolve(here, '../..');
const RELAY_BIN = resolve(DEMO_DIR, '../relay/bin/concord-relay.js');
const READY = /listening on (ws:\/\/\S+)/;

export interface RunningRelay {
  /** `http://127.0.0.1:PORT` — the demo page. */
  readonly httpUrl: string;
  /** `ws://127.0.0.1:PORT` */
  readonly wsUrl: string;
  readonly process: ChildProcess;
  /** Output so far, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** Starts the real relay binary on a free loopback port, serving the built demo, with a throwaway LevelDB directory. */
export async function startRelay(options: { staticDir?: string; timeoutMs?: number } = {}): Promise<RunningRelay> {
  const dataDir = mkdtempSync(join(tmpdir(), 'concord-relay-'));
  const staticDir = options.staticDir ?? join(DEMO_DIR, 'dist');
  const child = spawn(
    process.execPath,
    [RELAY_BIN, '--host', '127.0.0.1', '--port', '0', '--data', dataDir, '--static', staticDir, '--log-level', 'warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const wsUrl = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay not ready after ${options.timeoutMs ?? 15_000} ms:\n${output}`)), options.timeoutMs ?? 15_000);
    const onData = () => {
      const match = READY.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolveUrl(match[1]!);
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with code ${code} before it was ready:\n${output}`));
    });
  });

  return {
    wsUrl,
    httpUrl: wsUrl.replace(/^ws:/, 'http:').replace(/\/$/, ''),
    process: child,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
