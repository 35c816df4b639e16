import type { BatchOperation, LevelDown, LevelDownIterator, LevelDownIteratorOptions } from 'leveldown';

/**
 * Promise wrappers over leveldown's callback API: nothing more, so the adapter reads as plain async code.
 * (level/y-leveldb are deliberately not used: y-leveldb logs and swallows write errors.)
 */
export function openDb(db: LevelDown): Promise<void> {
  return new Promise((resolve, reject) => db.open({ createIfMissing: true }, (error) => (error ? reject(error) : resolve())));
}

export function closeDb(db: LevelDown): Promise<void> {
  return new Promise((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));
}

export function writeBatch(db: LevelDown, operations: readonly BatchOperation[], sync: boolean): Promise<void> {
  // leveldown stores anything that is not a Buffer as its String(): a Uint8Array would become "1,2,3".
  const buffers = operations.map((op) => ({
    type: op.type,
    key: asBuffer(op.key),
    ...(op.value === undefined ? {} : { value: asBuffer(op.value) }),
  }));
  return new Promise((resolve, reject) => db.batch(buffers, { sync }, (error) => (error ? reject(error) : resolve())));
}

/** A Buffer view of the same bytes (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export interface Entry {
  readonly key: Buffer;
  readonly value: Buffer;
}

/** Reads every entry of a key range, in key order; always ends the iterator, even on error. */
export async function readRange(db: LevelDown, range: LevelDownIteratorOptions): Promise<Entry[]> {
  const entries: Entry[] = [];
  await walk(db, { ...range, valueAsBuffer: true }, (key, value) => void entries.push({ key, value: value as Buffer }));
  return entries;
}

/**
 * The first key of each group of keys in a range, where `pastGroup(key)` is a key beyond every key of `key`'s group:
 * one seek per group instead of reading every key.
 */
export async function firstKeyOfEachGroup(db: LevelDown, range: LevelDownIteratorOptions, pastGroup: (key: Buffer) => Uint8Array): Promise<Buffer[]> {
  const keys: Buffer[] = [];
  await walk(db, { ...range, values: false }, (key, _value, iterator) => {
    keys.push(key);
    iterator.seek(asBuffer(pastGroup(key)));
  });
  return keys;
}

/** Calls `visit` for each entry in key order (it may seek the iterator); always ends the iterator, even on error. */
function walk(
  db: LevelDown,
  options: LevelDownIteratorOptions,
  visit: (key: Buffer, value: Buffer | undefined, iterator: LevelDownIterator) => void,
): Promise<void> {
  const iterator = db.iterator({ ...options, ...bufferBounds(options), keyAsBuffer: true });
  return new Promise((resolve, reject) => {
    const finish = (failure: unknown): void =>
      iterator.end((endError) => {
        const error: unknown = failure ?? endError;
        if (error) reject(error instanceof Error ? error : new Error('LevelDB iteration failed', { cause: error }));
        else resolve();
      });
    const step = (): void =>
      iterator.next((error, key, value) => {
        if (error) return finish(error);
        if (key === undefined) return finish(null);
        try {
          visit(key, value, iterator);
        } catch (visitError) {
          return finish(visitError);
        }
        step();
      });
    step();
  });
}

function bufferBounds(range: LevelDownIteratorOptions): LevelDownIteratorOptions {
  const bounds: LevelDownIteratorOptions = {};
  if (range.gt) bounds.gt = asBuffer(range.gt);
  if (range.gte) bounds.gte = asBuffer(range.gte);
  if (range.lt) bounds.lt = asBuffer(range.lt);
  if (range.lte) bounds.lte = asBuffer(range.lte);
  return bounds;
}
