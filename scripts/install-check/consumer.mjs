// @ts-check
// The tiny TypeScript consumer of the install check: it imports every entry point of both packages the way the READMEs
// do (types are checked with skipLibCheck off), and, given a relay URL, prints what a fresh client reads of the README
// example's list.

export const CONSUMER_TS = `import { Concord, ConcordError, ConcordErrorCode, MemoryPersistence, WebSocketTransport, type Task } from '@concord/core';
import { LEVELDB_PERSISTENCE_DEFAULTS, LevelDbPersistence, type LevelDbPersistenceOptions } from '@concord/core/node';
import { decodeMessage, encodeMessage } from '@concord/core/protocol';
import { InMemoryRelay, InMemoryTransport } from '@concord/core/testing';
import { createToken, startRelay, verifyToken, type RelayOptions, type TokenClaims } from '@concord/relay';
import { WebSocket } from 'ws';

// Types only: each entry point exports what the READMEs name.
const storage: LevelDbPersistenceOptions = { directory: 'data', sync: LEVELDB_PERSISTENCE_DEFAULTS.sync };
const relayOptions: RelayOptions = { host: '127.0.0.1', port: 0, dataDir: 'relay-data', authSecret: null };
const claims = (token: string): Promise<TokenClaims> => verifyToken('a secret of sixteen characters', token);
const signed: Promise<string> = createToken({ secret: 'a secret of sixteen characters', lists: ['groceries'], ttlSeconds: 60 });
const codec = [encodeMessage, decodeMessage] as const;
const offline = (relay: InMemoryRelay) => new Concord({ transport: new InMemoryTransport(relay), persistence: new MemoryPersistence() });
const locked = (error: unknown): boolean => error instanceof ConcordError && error.code === ConcordErrorCode.StorageLocked;
void [storage, relayOptions, claims, signed, codec, offline, locked, startRelay, LevelDbPersistence];

const url = process.argv[2];
if (url) {
  const transport = new WebSocketTransport({ url, WebSocket });
  const concord = new Concord({ transport, persistence: new MemoryPersistence(), userId: 'reader' });
  const list = await concord.openList('groceries');
  await list.documentsLoaded;
  // 'synced' means this client holds every task of the list: read them then (printed anyway after 10 s, to show it).
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 10_000);
    const check = () => {
      if (list.status.state !== 'synced') return;
      clearTimeout(timer);
      resolve();
    };
    list.on('status', check);
    check();
  });
  const titles = (tasks: readonly Task[]) => tasks.map((task) => task.title);
  console.log(JSON.stringify({ tasks: titles(list.tasks()), trash: titles(list.trash()) }));
  await concord.close();
}
`;

/**
 * A consumer's tsconfig: `node16` emits (the example runs from its output), `bundler` only checks. Library types are
 * checked too (skipLibCheck off). `lib` is TypeScript's default, with the DOM: Yjs's own declarations name DOM types.
 * @param {'node16' | 'bundler'} resolution
 */
export function tsconfig(resolution) {
  const common = { target: 'ES2022', strict: true, skipLibCheck: false, types: ['node'] };
  const compilerOptions =
    resolution === 'node16'
      ? { ...common, module: 'node16', moduleResolution: 'node16', outDir: 'out' }
      : { ...common, module: 'esnext', moduleResolution: 'bundler', noEmit: true };
  return { compilerOptions, files: ['example.ts', 'consumer.ts'] };
}
