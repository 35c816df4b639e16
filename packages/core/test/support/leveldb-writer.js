// @ts-check
// A child process for the LevelDB kill tests, on the BUILT package (`pnpm build`), as a user's process would run it.
// `write DIR`: appends 0, 1, 2, … to one document, printing `ack N` once N is stored (flush resolved), until killed.
// `hold DIR`: opens the directory, prints `holding`, and keeps it open until killed.
import * as Y from 'yjs';
import { LevelDbPersistence } from '../../dist/node/index.js';

const [mode, directory] = process.argv.slice(2);
if (!directory) throw new Error('usage: leveldb-writer.js write|hold DIR');
const persistence = await LevelDbPersistence.open({ directory, compactAfterRecords: 50 });
if (mode === 'hold') {
  process.stdout.write('holding\n');
  setInterval(() => undefined, 60_000);
} else {
  const doc = new Y.Doc();
  const bound = await persistence.bind('list', doc);
  const items = doc.getArray('items');
  for (let i = 0; ; i++) {
    items.push([i]);
    await bound.flush();
    process.stdout.write(`ack ${i}\n`);
  }
}
