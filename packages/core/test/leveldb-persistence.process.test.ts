import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ConcordErrorCode } from '../src/errors/concord-error.js';
import { LevelDbPersistence } from '../src/node/leveldb-persistence.js';

// LevelDbPersistence across real processes: a writer killed with SIGKILL, and a directory held by another process.
// The child runs the built package (`pnpm build`).

const WRITER = fileURLToPath(new URL('./support/leveldb-writer.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../dist/node/index.js', import.meta.url));

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function newDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'concord-leveldb-kill-'));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

/** Starts the writer; `onLine` sees each line it prints. Resolves to a function that SIGKILLs it and waits for the exit. */
function startWriter(mode: 'write' | 'hold', directory: string, onLine: (line: string, child: ChildProcess) => void): () => Promise<void> {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npx -y pnpm@10.34.9 build\` first`);
  const child = spawn(process.execPath, [WRITER, mode, directory], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  cleanups.push(kill);
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) onLine(line, child);
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.once('exit', (code, signal) => {
    if (signal !== 'SIGKILL') onLine(`exited ${code}: ${stderr}`, child);
  });
  return kill;
}

describe('LevelDbPersistence across processes', () => {
  it('keeps every acknowledged write of a process killed with SIGKILL mid-write', async () => {
    const directory = await newDirectory();
    // Kill at a different point each run, somewhere among merges (every 50 records) and plain writes.
    const killAfter = 150 + Math.floor(Math.random() * 100);
    console.log(`killing the writer after acknowledgement ${killAfter}`);
    let acknowledged = -1;
    const kill = await new Promise<() => Promise<void>>((resolve, reject) => {
      const stop = startWriter('write', directory, (line, child) => {
        const match = /^ack (\d+)$/.exec(line);
        if (!match) return reject(new Error(`unexpected output from the writer: ${line}`));
        acknowledged = Number(match[1]);
        if (acknowledged >= killAfter && child.signalCode === null) {
          child.kill('SIGKILL');
          resolve(stop);
        }
      });
    });
    await kill();

    const persistence = await LevelDbPersistence.open({ directory });
    const doc = new Y.Doc();
    await persistence.bind('list', doc);
    await persistence.close();
    const items = doc.getArray<number>('items').toArray();
    // Every acknowledged write, in order, each once; writes stored but not yet acknowledged may follow.
    expect(items.length).toBeGreaterThan(acknowledged);
    expect(items).toEqual(Array.from({ length: items.length }, (_, i) => i));
  });

  it('refuses a directory another process holds with ERR_STORAGE_LOCKED, and opens it once that process is gone', async () => {
    const directory = await newDirectory();
    const kill = await new Promise<() => Promise<void>>((resolve, reject) => {
      const stop = startWriter('hold', directory, (line) => (line === 'holding' ? resolve(stop) : reject(new Error(line))));
    });
    const refused = await LevelDbPersistence.open({ directory }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ name: 'ConcordError', code: ConcordErrorCode.StorageLocked });
    expect((refused as Error).message).toContain(directory);
    await kill();
    const reopened = await LevelDbPersistence.open({ directory });
    await reopened.close();
  });
});
