import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RELAY_BIN = fileURLToPath(new URL('../../../relay/bin/concord-relay.js', import.meta.url));
const RELAY_DIST = fileURLToPath(new URL('../../../relay/dist/cli.js', import.meta.url));


export interface RelayProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Sends `signal` (default SIGKILL, as a crash) and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Starts the real relay CLI on loopback and resolves once it prints its `listening on ws://…` line. */
export async function startRelayProcess(options: { dataDir: string; port?: number }): Promise<RelayProcess> {
  // A test that needs the real relay fails without it, never skips: `pnpm test` builds it first.
  if (!existsSync(RELAY_DIST)) throw new Error(`the relay is not built (${RELAY_DIST} is missing): run \`npx -y pnpm@10.34.9 build\` first`);
  const child = spawn(process.execPath, [RELAY_BIN, '--port', String(options.port ?? 0), '--data', options.dataDir, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`relay did not start within 15 s: ${stderr}`)), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (ws:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code} before it was ready: ${stderr}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    child,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Kills every relay process a test started and has not yet stopped. */
export async function killAllRelays(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
