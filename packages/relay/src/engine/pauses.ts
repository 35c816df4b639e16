/**
 * Attribution of event-loop pauses to what ran: the relay's entry points (a socket message, a new connection, a
 * heartbeat tick, a storage write, the forwarding of a durable batch, ...) run inside `timed(cause, fn)`; a top-level
 * call that holds the event loop for PAUSE_MS or more is one pause, charged to the cause that spent most of it itself
 * (nested calls, such as a merge inside a message, count for their own cause). Listeners (each relay's metrics) receive
 * the pauses; without a listener `timed` only calls `fn`.
 */

/** What a pause is charged to; `gc` and `other` (a late timer with no call above the threshold) come from the monitor. */
export type PauseCause =
  | 'message'
  | 'connect'
  | 'heartbeat'
  | 'persist'
  | 'forward'
  | 'load'
  | 'compaction'
  | 'merge'
  | 'squash'
  | 'metrics'
  | 'gc'
  | 'other';

/** A call holding the event loop this long (ms) or longer is a pause. */
export const PAUSE_MS = 5;

export type PauseListener = (cause: PauseCause, ms: number, endedAt: number) => void;

interface Frame {
  readonly cause: PauseCause;
  readonly start: number;
  /** Time spent in nested calls, which their own causes are charged with. */
  childMs: number;
}

const listeners = new Set<PauseListener>();
const stack: Frame[] = [];
/** Self time per cause within the current top-level call. */
const selfMs = new Map<PauseCause, number>();

export function addPauseListener(listener: PauseListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Runs `fn` (its synchronous part) as work of `cause`. */
export function timed<T>(cause: PauseCause, fn: () => T): T {
  if (listeners.size === 0) return fn();
  const frame: Frame = { cause, start: performance.now(), childMs: 0 };
  stack.push(frame);
  try {
    return fn();
  } finally {
    const end = performance.now();
    stack.pop();
    const ms = end - frame.start;
    selfMs.set(cause, (selfMs.get(cause) ?? 0) + ms - frame.childMs);
    const parent = stack.at(-1);
    if (parent !== undefined) parent.childMs += ms;
    else {
      if (ms >= PAUSE_MS) {
        let top: PauseCause = cause;
        for (const [candidate, spent] of selfMs) if (spent > (selfMs.get(top) ?? 0)) top = candidate;
        for (const listener of listeners) listener(top, ms, end);
      }
      selfMs.clear();
    }
  }
}
