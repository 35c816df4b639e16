import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { MemoryPersistence } from '../../src/persistence/memory-persistence.js';
import { Concord } from '../../src/store/concord.js';
import { startRelayProcess, type RelayProcess } from './relay-process.js';

/**
 * The real relay process on a fresh data directory, and clients given only its URL (each builds and owns its
 * transport). Everything made here is closed by the functions pushed onto `cleanups`, to run last-first.
 */
export async function relayWithUrlClients(cleanups: (() => unknown)[]): Promise<{ relay: RelayProcess; open: (userId: string) => Concord }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'concord-url-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const relay = await startRelayProcess({ dataDir });
  cleanups.push(() => relay.kill());
  const open = (userId: string) => {
    const concord = new Concord({ url: relay.url, WebSocket, persistence: new MemoryPersistence(), userId, syncTabs: false });
    cleanups.push(() => concord.close());
    return concord;
  };
  return { relay, open };
}
