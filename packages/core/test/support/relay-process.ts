import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { killAllRelays, startRelayProcess as launch } from '../../../relay/test/support/relay-process.js';

export { killAllRelays };

const RELAY_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../../relay/dist/cli.js');

export interface RelayProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Sends `signal` (default SIGKILL, as a crash) and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** The real relay CLI on loopback, through the relay's own test launcher, on `dataDir` (and `port`, to restart on it). */
export async function startRelayProcess(options: { dataDir: string; port?: number }): Promise<RelayProcess> {
  // A test that needs the real relay fails without it, never skips: `pnpm test` builds it first.
  if (!existsSync(RELAY_DIST)) throw new Error(`the relay is not built (${RELAY_DIST} is missing): run \`npx -y pnpm@10.34.9 build\` first`);
  const flags = ['--port', String(options.port ?? 0), '--host', '127.0.0.1', '--log-level', 'warn', '--data', options.dataDir];
  const relay = await launch(flags, { defaultFlags: false, timeoutMs: 15_000 });
  return {
    url: relay.url,
    port: relay.port,
    child: relay.child,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (relay.child.exitCode === null && relay.child.signalCode === null) relay.child.kill(signal);
      await relay.exited;
    },
  };
}
