import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRelayProcess, tempDir } from '../../../relay/test/support/relay-process.js';

export const DEMO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningRelay {
  /** `http://127.0.0.1:PORT` — the demo page. */
  readonly httpUrl: string;
  /** `ws://127.0.0.1:PORT` */
  readonly wsUrl: string;
  stop(): Promise<void>;
}

/** The real relay binary on a free loopback port, serving the built demo, with a throwaway LevelDB directory. */
export async function startRelay(options: { staticDir?: string; args?: readonly string[] } = {}): Promise<RunningRelay> {
  const data = await tempDir();
  const relay = await startRelayProcess(['--data', data.path, '--static', options.staticDir ?? join(DEMO_DIR, 'dist'), ...(options.args ?? [])], { timeoutMs: 15_000 }).catch(
    async (error: unknown) => {
      await data.remove();
      throw error;
    },
  );
  return {
    wsUrl: relay.url,
    httpUrl: relay.url.replace(/^ws:/, 'http:').replace(/\/$/, ''),
    stop: async () => {
      await relay.stop();
      await data.remove();
    },
  };
}
