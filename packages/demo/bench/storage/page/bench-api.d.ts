/** What page/main.js puts on `globalThis.bench` for run.js to drive. */
export interface BenchApi {
  readonly adapter: string;
  seed(tasks: number): Promise<{ ms: number; bytesPerTask: number; fieldContentPerTask: number }>;
  open(tasks: number): Promise<{ ms: number; titled: number; loadedMs: number }>;
  edits(count: number): Promise<number[]>;
  listen(): void;
  ping(count: number, gapMs: number): Promise<{ sent: number[]; rtt: number[] }>;
  arrivals(): number[];
  bulkEdits(count: number): Promise<{ ms: number; snapshotMs: number }>;
  storage(): Promise<StorageFigures>;
  close(): Promise<void>;
  profileOpen(tasks: number): Promise<OpenProfile>;
  profileWrites(count: number): Promise<{ strict: number; relaxed: number; flushOnly: number }>;
}

export interface StorageFigures {
  databases: number;
  /** Bytes, from navigator.storage.estimate(). */
  usage: number;
  /** The single database's stored update bytes (the records' Uint8Arrays). */
  recordBytes: number | null;
  records: number | null;
  /** Y.encodeStateAsUpdate of every document the records describe. */
  encodedBytes: number | null;
  documents: number | null;
  /** The stored bytes by kind: each document's structs by root type (and `fields` key), snapshot views and metadata. */
  byKind?: Record<string, number>;
}

/** Where an open of the single database goes (ms). `apply` nests: the list's bind opens every task slot inside it. */
export interface OpenProfile {
  total: number;
  openDb: number;
  getAll: number;
  apply: number;
  binds: number;
  slowBinds: number;
  snapshot: number;
  records: number;
  bytes: number;
}
