import 'fake-indexeddb/auto';
import { IndexedDbPersistence } from './indexeddb-persistence.js';
import { runPersistenceAdapterTests } from './test-support/acceptance.js';

let run = 0;
// fake-indexeddb runs the real y-indexeddb code in Node; a prefix per test stands for a fresh browser profile.
runPersistenceAdapterTests('y-indexeddb', () => {
  const databasePrefix = `test-${++run}:`;
  return { open: () => new IndexedDbPersistence({ databasePrefix }) };
}, { readsAhead: false, unboundMeta: false });
