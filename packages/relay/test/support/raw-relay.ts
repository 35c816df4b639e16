import { afterAll, afterEach, beforeAll } from 'vitest';
import { RawConcordClient } from './concord-client.js';
import { killAllRelays, startRelayProcess, tempDir, type RelayProcess } from './relay-process.js';

/**
 * One real relay process for a test file (started before its tests with `args`, on a fresh LevelDB directory, killed
 * after them), and raw concord.v1 clients that are closed after each test.
 */
export function useRawRelay(args: readonly string[] = []): { readonly relay: RelayProcess; connect(): Promise<RawConcordClient> } {
  let data: { path: string; remove: () => Promise<void> };
  let relay: RelayProcess | undefined;
  const clients: RawConcordClient[] = [];
  beforeAll(async () => {
    data = await tempDir();
    relay = await startRelayProcess(['--data', data.path, ...args]);
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await killAllRelays();
    await data.remove();
  });
  return {
    get relay(): RelayProcess {
      if (!relay) throw new Error('the relay starts in beforeAll');
      return relay;
    },
    async connect(): Promise<RawConcordClient> {
      const client = await RawConcordClient.connect(this.relay.url);
      clients.push(client);
      return client;
    },
  };
}
