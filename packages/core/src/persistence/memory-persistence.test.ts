import { MemoryPersistence, MemoryPersistenceStore } from './memory-persistence.js';
import { runPersistenceAdapterTests } from './test-support/acceptance.js';

runPersistenceAdapterTests('memory', () => {
  const store = new MemoryPersistenceStore();
  return { open: () => new MemoryPersistence(store) };
}, { readsAhead: true });
