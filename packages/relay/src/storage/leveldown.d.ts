// The subset of leveldown 6 (abstract-leveldown 7) the adapter uses; leveldown ships no type declarations.
declare module 'leveldown' {
  type Callback = (error: Error | null | undefined) => void;
  export interface BatchOperation {
    readonly type: 'put' | 'del';
    readonly key: Uint8Array;
    readonly value?: Uint8Array;
  }
  export interface LevelDownIterator {
    next(callback: (error: Error | null | undefined, key?: Buffer, value?: Buffer) => void): void;
    /** Moves to the first key at or after `target` (within the iterator's range). */
    seek(target: Uint8Array): void;
    end(callback: Callback): void;
  }
  export interface LevelDownIteratorOptions {
    gt?: Uint8Array;
    gte?: Uint8Array;
    lt?: Uint8Array;
    lte?: Uint8Array;
    reverse?: boolean;
    limit?: number;
    keys?: boolean;
    values?: boolean;
    keyAsBuffer?: boolean;
    valueAsBuffer?: boolean;
  }
  export interface LevelDown {
    open(options: { createIfMissing?: boolean; errorIfExists?: boolean }, callback: Callback): void;
    close(callback: Callback): void;
    get(key: Uint8Array, options: { asBuffer?: boolean }, callback: (error: Error | null | undefined, value?: Buffer) => void): void;
    batch(operations: readonly BatchOperation[], options: { sync?: boolean }, callback: Callback): void;
    iterator(options: LevelDownIteratorOptions): LevelDownIterator;
  }
  export default function leveldown(location: string): LevelDown;
}
