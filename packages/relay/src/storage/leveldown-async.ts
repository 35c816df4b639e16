import type { BatchOperation, LevelDown, LevelDownIteratorOptions } from 'leveldown';

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
export function readRange(db: LevelDown, range: LevelDownIteratorOptions): Promise<Entry[]> {
  const iterator = db.iterator({
    ...range,
    ...bufferBounds(range),
    keyAsBuffer: true,
    valueAsBuffer: true,
  });
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

/**
 * The first key of each group of keys in a range, where `pastGroup(key)` is a key beyond every key of `key`'s group:
 * one seek per group instead of reading every key.
 */
export function firstKeyOfEachGroup(db: LevelDown, range: LevelDownIteratorOptions, pastGroup: (key: Buffer) => Uint8Array): Promise<Buffer[]> {
  const iterator = db.iterator({ ...range, ...bufferBounds(range), keyAsBuffer: true, values: false });
  const keys: Buffer[] = [];
  return new Promise((resolve, reject) => {
    const finish = (failure: Error | null | undefined): void =>
      iterator.end((endError) => {
        const error = failure ?? endError;
        if (error) reject(error);
        else resolve(keys);
      });
    const step = (): void =>
      iterator.next((error, key) => {
        if (error) return finish(error);
        if (key === undefined) return finish(null);
        keys.push(key);
        try {
          iterator.seek(asBuffer(pastGroup(key)));
        } catch (seekError) {
          return finish(seekError instanceof Error ? seekError : new Error('seek failed', { cause: seekError }));
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
