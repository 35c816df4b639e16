/**
 * Promise wrappers over leveldown's callback API, nothing more, so the adapter reads as plain async code; and the types
 * of the part of leveldown 6 they use (it ships no type declarations).
 */

type Callback = (error: Error | null | undefined) => void;

export interface BatchOperation {
  readonly type: 'put' | 'del';
  readonly key: Buffer;
  readonly value?: Buffer;
}

interface LevelDownIterator {
  next(callback: (error: Error | null | undefined, key?: Buffer, value?: Buffer) => void): void;
  end(callback: Callback): void;
}

interface LevelDownIteratorOptions {
  gt?: Buffer;
  lt?: Buffer;
  keyAsBuffer?: boolean;
  valueAsBuffer?: boolean;
}

export interface LevelDown {
  open(options: { createIfMissing?: boolean }, callback: Callback): void;
  close(callback: Callback): void;
  get(key: Buffer, options: { asBuffer?: boolean }, callback: (error: (Error & { code?: string }) | null | undefined, value?: Buffer) => void): void;
  batch(operations: readonly BatchOperation[], options: { sync?: boolean }, callback: Callback): void;
  iterator(options: LevelDownIteratorOptions): LevelDownIterator;
}

/**
 * Loads `leveldown`, an optional peer dependency: imported only when a LevelDB adapter is created, so importing
 * `@concord/core/node` works without it. (The specifier is a variable so TypeScript takes the types above, not its.)
 */
export async function loadLeveldown(): Promise<(location: string) => LevelDown> {
  const specifier = 'leveldown';
  const module = (await import(specifier)) as { default: (location: string) => LevelDown };
  return module.default;
}

export function openDb(db: LevelDown): Promise<void> {
  return new Promise((resolve, reject) => db.open({ createIfMissing: true }, (error) => (error ? reject(error) : resolve())));
}

export function closeDb(db: LevelDown): Promise<void> {
  return new Promise((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));
}

export function writeBatch(db: LevelDown, operations: readonly BatchOperation[], sync: boolean): Promise<void> {
  return new Promise((resolve, reject) => db.batch(operations, { sync }, (error) => (error ? reject(error) : resolve())));
}

/** The value under `key`, or undefined when there is none. */
export function getValue(db: LevelDown, key: Buffer): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) =>
    db.get(key, { asBuffer: true }, (error, value) => {
      if (error?.code === 'LEVEL_NOT_FOUND' || /NotFound/.test(error?.message ?? '')) resolve(undefined);
      else if (error) reject(error);
      else resolve(value);
    }),
  );
}

export interface Entry {
  readonly key: Buffer;
  readonly value: Buffer;
}

/** Every entry strictly between `gt` and `lt`, in key order; the iterator is always ended, even on error. */
export function readRange(db: LevelDown, range: Pick<LevelDownIteratorOptions, 'gt' | 'lt'>): Promise<Entry[]> {
  const iterator = db.iterator({ ...range, keyAsBuffer: true, valueAsBuffer: true });
  const entries: Entry[] = [];
  return new Promise((resolve, reject) => {
    const finish = (failure: Error | null): void =>
      iterator.end((endError) => {
        const error = failure ?? endError;
        if (error) reject(error);
        else resolve(entries);
      });
    const step = (): void =>
      iterator.next((error, key, value) => {
        if (error) return finish(error);
        if (key === undefined || value === undefined) return finish(null);
        entries.push({ key, value });
        step();
      });
    step();
  });
}
