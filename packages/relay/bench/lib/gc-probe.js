// @ts-check
// Preloaded into every benchmarked server with `node --expose-gc --import <this file>`, so that the servers themselves
// carry no benchmark code. The parent asks over the IPC channel; heap is read after forced full collections because
// RSS alone cannot show whether documents were freed (V8 keeps its pages).
import process from 'node:process';


/** @typedef {{ type: 'heap', id: number }} HeapRequest */

const collect = /** @type {{ gc?: () => void }} */ (/** @type {unknown} */ (globalThis)).gc;

if (process.send !== undefined) {
  process.on('message', (/** @type {HeapRequest} */ msg) => {
    if (msg === null || typeof msg !== 'object' || msg.type !== 'heap') return;
    // Two passes: the first can only queue weakly held objects and finalizers for the second.
    collect?.();
    collect?.();
    process.send?.({ type: 'heap', id: msg.id, heapUsed: process.memoryUsage().heapUsed, gc: collect !== undefined });
  });
  // The channel must not keep a server alive that would otherwise exit by itself.
  /** @type {{ unref?: () => void } | undefined} */ (process.channel)?.unref?.();
}
