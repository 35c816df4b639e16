import { Concord, IndexedDbPersistence, SingleDatabasePersistence, type PersistenceAdapter } from '@concord/core';
import { canonicalSearch, readConfig, writerId, type PageConfig, type StorageChoice } from './config.js';
import { registerServiceWorker } from './service-worker.js';
import { showStorageUsage } from './storage-usage.js';
import { relayUrl } from './relay-url.js';
import { demoSchema } from './schema.js';
import './ui/concord-app.js';

/** Handles for tests and benchmarks (`window.concordDemo`). */
declare global {
  interface Window {
    concordDemo?: { concord: Concord; list: import('@concord/core').TaskList | null };
    /** The IndexedDB connection index.html's inline script started opening before this script loaded. */
    concordEarlyDatabase?: Promise<IDBDatabase | null>;
  }
}

/** Opens the list the address names and shows it. */
export async function start(): Promise<void> {
  performance.mark('concord:start');
  const app = document.querySelector('concord-app')!;
  window.addEventListener('error', (event) => app.showError(`Unexpected error: ${event.message}`));
  window.addEventListener('unhandledrejection', (event) => app.showError(`Unexpected error: ${describe(event.reason)}`));
  registerServiceWorker();

  let config: PageConfig;
  try {
    config = readConfig(location, localStorage, sessionStorage);
  } catch (error) {
    app.showError(`${describe(error)} Check the link, or open ${location.origin}${location.pathname} for your lists.`);
    return;
  }
  // The address names the list; a share link's token leaves it (it is kept in this browser).
  history.replaceState(history.state, '', canonicalSearch(location.search, config.listId) + location.hash);
  document.title = `${config.listId} · Concord`;
  const persistence = createPersistence(config.storage);
  // Connecting at once (unless this window chose "Work offline"): the handshake overlaps opening local storage, rather
  // than starting once the list is open.
  const options = {
    url: relayUrl(location),
    connect: !config.workOffline,
    // With a token the relay holds this page to its `sub` as the author of what it writes.
    userId: writerId(config),
    persistence,
    ...(config.token && { token: config.token }),
  };
  // The fixture page fixtures/schema-v1.html runs the demo as it was before its task fields (schema version 1).
  const previousSchema = document.documentElement.dataset['schemaVersion'] === '1';
  const concord = previousSchema ? new Concord(options) : (new Concord({ ...options, schema: demoSchema }) as unknown as Concord);
  window.concordDemo = { concord, list: null };
  const list = await concord.openList(config.listId);
  performance.mark('concord:list-opened');
  window.concordDemo.list = list;
  app.onListRendered = () => {
    performance.mark('concord:list-rendered');
    // After the next frame: the rows are laid out and painted (what the render benchmark reports).
    requestAnimationFrame(() => setTimeout(() => performance.mark('concord:list-painted'), 0));
  };
  app.onAllRowsRendered = () => {
    performance.mark('concord:rows-rendered');
    requestAnimationFrame(() => setTimeout(() => performance.mark('concord:rows-painted'), 0));
  };
  app.attach(config, list, concord);
  // Leave the others' presence lists at once when the window closes, rather than after the 30 s awareness timeout.
  window.addEventListener('pagehide', () => app.setPresent(false));
  window.addEventListener('pageshow', (event) => event.persisted && app.setPresent(true));
  // A hidden page may never come back: merge what this session stored into the list's snapshot now, not at idle.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void concord.persistence.snapshotList(list.id);
  });
  const usage = document.querySelector<HTMLElement>('[data-testid="storage-usage"]');
  if (usage) showStorageUsage(usage);
}

function createPersistence(choice: StorageChoice): PersistenceAdapter {
  const early = window.concordEarlyDatabase ?? Promise.resolve(null);
  if (choice === 'y-indexeddb') {
    // Not used: the connection must not hold the database open for nothing.
    void early.then((db) => db?.close());
    return new IndexedDbPersistence();
  }
  // Core's default adapter (and its database), with the connection opened ahead.
  return new SingleDatabasePersistence({ opening: early });
}

export function describe(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
