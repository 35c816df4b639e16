/**
 * `@concord/core/testing`: test doubles for an app's own tests, kept out of the main entry so production bundles never
 * carry them. `InMemoryRelay` stands in for a relay inside one process, and each `InMemoryTransport` is one client's
 * connection to it (starts disconnected; `connect()`/`disconnect()` simulate going online and offline).
 * `MemoryPersistence` stays in the main entry: it is a real adapter (the default where there is no IndexedDB).
 * @packageDocumentation
 */
export { InMemoryRelay, InMemoryTransport } from '../transport/in-memory.js';
export { seededRandom } from './seeded-random.js';
