/**
 * Attribution of event-loop pauses to what ran: the relay's entry points (a socket message, a new connection, a
 * heartbeat tick, a storage write, the forwarding of a durable batch, ...) run inside `timed(cause, fn)`; a top-level
 * call that holds the event loop for PAUSE_MS or more is one pause, charged to the cause that spent most of it itself
 * (nested calls, such as a merge inside a message, count for their own cause). Listeners (each relay's metrics) receive
 * the pauses; without a listener `timed` only calls `fn`.
 */

/** What a pause is charged to; `gc` and `other` (a late timer with no call above the threshold) come from the monitor. */
const CAUSES = ['message', 'connect', 'heartbeat', 'persist', 'forward', 'load', 'compaction', 'merge', 'squash', 'metrics', 'gc', 'other'] as const;
export type PauseCause = (typeof CAUSES)[number];
const CAUSE_INDEX = new Map<PauseCause, number>(CAUSES.map((cause, index) => [cause, index]));

/** A call holding the event loop this long (ms) or longer is a pause. */
export const PAUSE_MS = 5;

export type PauseListener = (cause: PauseCause, ms: number, endedAt: number) => void;

const listeners = new Set<PauseListener>();
// The calls in progress, innermost last, as parallel arrays, and self times in a fixed array: this runs for every
// message the relay receives, so it makes no object and no Map entry per call.
const startedAt: number[] = [];
/** Time spent in nested calls of each call in progress, which their own causes are charged with. */
const nestedMs: number[] = [];
/** Self time per cause (by index in CAUSES) within the current top-level call. */
const selfMs = new Float64Array(CAUSES.length);

export function addPauseListener(listener: PauseListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Runs `fn` (its synchronous part) as work of `cause`. */
export function timed<T>(cause: PauseCause, fn: () => T): T {
  if (listeners.size === 0) return fn();
  const depth = startedAt.length;
  startedAt.push(performance.now());
  nestedMs.push(0);
  try {
    return fn();
  } finally {
    const end = performance.now();
    const ms = end - (startedAt.pop() as number);
    const nested = nestedMs.pop() as number;
    const index = CAUSE_INDEX.get(cause) as number;
    selfMs[index] = (selfMs[index] as number) + ms - nested;
    if (depth > 0) nestedMs[depth - 1] = (nestedMs[depth - 1] as number) + ms;
    else {
      if (ms >= PAUSE_MS) {
        let top = 0;
        for (let index = 1; index < selfMs.length; index++) if ((selfMs[index] as number) > (selfMs[top] as number)) top = index;
        for (const listener of listeners) listener(CAUSES[top] as PauseCause, ms, end);
      }
      selfMs.fill(0);
    }
  }
}
