/**
 * `@concord/core/node`: what only Node processes can use. Kept out of the main entry so browser bundles never see
 * `node:` modules or the native `leveldown`.
 * @packageDocumentation
 */
export { LevelDbPersistence, LEVELDB_PERSISTENCE_DEFAULTS, type LevelDbPersistenceOptions } from './leveldb-persistence.js';
