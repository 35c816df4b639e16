import './styles.css';
import { Concord, IndexedDbPersistence, SingleDatabasePersistence, type PersistenceAdapter } from '@concord/core';
import { canonicalSearch, readConfig, type PageConfig, type StorageChoice } from './config.js';
import { registerServiceWorker } from './service-worker.js';
import { showStorageUsage } from './storage-usage.js';
import { relayUrl } from './relay-url.js';
import './ui/concord-app.js';

/** Handles for tests and benchmarks (`window.concordDemo`). */
declare global {
  interface Window {
    concordDemo?: { concord: Concord; list: import('@concord/core').TaskList | null };
  }
}

async function start(): Promise<void> {
  performance.mark('concord:start');
  const app = document.querySelector('concord-app')!;
  window.addEventListener('error', (event) => app.showError(`Unexpected error: ${event.message}`));
  window.addEventListener('unhandledrejection', (event) => app.showError(`Unexpected error: ${describe(event.reason)}`));
  registerServiceWorker();

  let config: PageConfig;
  try {
    config = readConfig(location, localStorage, sessionStorage);
  } catch (error) {
    app.showError(`${describe(error)} Open your lists from the Lists menu, or create one there.`);
    return;
  }
  // The address names the list; a share link's token leaves it (it is kept in this browser).
  history.replaceState(history.state, '', canonicalSearch(location.search, config.listId) + location.hash);
  document.title = `${config.listId} · Concord`;
  const persistence = createPersistence(config.storage);
  // Connecting at once (unless this window chose "Work offline"): the handshake overlaps opening local storage, rather
  // than starting once the list is open.
  const concord = new Concord({
    url: relayUrl(location),
    connect: !config.workOffline,
    userId: config.identity.name,
    ...(config.token && { token: config.token }),
    ...(persistence && { persistence }),
  });
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

function createPersistence(choice: StorageChoice): PersistenceAdapter | null {
  if (choice === 'y-indexeddb') return new IndexedDbPersistence();
  if (choice === 'single') return new SingleDatabasePersistence();
  return null;
}

function describe(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

start().catch((error: unknown) => document.querySelector('concord-app')?.showError(`Could not open the list: ${describe(error)}`));
