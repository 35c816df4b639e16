import { runDocumentStorageTests } from '../../test/support/storage-acceptance.js';
import { MemoryStorage } from './memory-storage.js';

runDocumentStorageTests('MemoryStorage', { create: () => Promise.resolve(new MemoryStorage()) });
