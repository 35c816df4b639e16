// Which open tab of this browser may take a list's stored undo stack: the one that finds no other tab holding it.

/** The part of the Web Locks API (`navigator.locks`) used here. */
interface Locks {
  request(name: string, options: { ifAvailable?: boolean; signal?: AbortSignal }, callback: (lock: unknown) => Promise<void>): Promise<void>;
}

/** A tab's hold on a list's stored undo stack, kept while the list is open in it. */
export interface StackHold {
  /** Whether no other tab had the list open when this one opened it: only then may it take the stored stack. */
  readonly first: boolean;
  /** Lets the next tab that opens the list (or one already waiting) hold it. */
  release(): void;
}

/**
 * Holds the lock `name` while the list is open: at once when it is free (`first`), else queued behind the tabs that
 * have the list open, so that a tab opening later never finds it free while any tab has the list open. Web Locks are
 * per origin and let go when a tab closes or crashes; where there are none (Node), one lock manager per process stands
 * for them, every `Concord` of the process being a tab.
 */
export function holdStack(name: string): Promise<StackHold> {
  const locks = (globalThis as { navigator?: { locks?: Locks } }).navigator?.locks ?? processLocks;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const abort = new AbortController();
  const hold = (lock: unknown) => (lock === null ? Promise.resolve() : released);
  return new Promise<StackHold>((resolve, reject) => {
    locks
      .request(name, { ifAvailable: true }, (lock) => {
        resolve({
          first: lock !== null,
          release: () => {
            release();
            abort.abort();
          },
        });
        if (lock === null) void locks.request(name, { signal: abort.signal }, hold).catch(() => undefined);
        return hold(lock);
      })
      .catch(reject);
  });
}

/** Web Locks' exclusive mode within one process: a queue of waiting callbacks per name. */
class ProcessLocks implements Locks {
  private readonly queues = new Map<string, Array<() => void>>();

  request(name: string, options: { ifAvailable?: boolean; signal?: AbortSignal }, callback: (lock: unknown) => Promise<void>): Promise<void> {
    const queue = this.queues.get(name) ?? [];
    this.queues.set(name, queue);
    if (options.ifAvailable && queue.length > 0) return callback(null);
    return new Promise<void>((resolve, reject) => {
      const grant = () => void callback({ name }).then(resolve, reject).finally(() => this.next(name, grant));
      const abort = () => {
        const at = queue.indexOf(grant);
        // Only a request still waiting can be aborted; a granted one is released by its callback.
        if (at > 0) queue.splice(at, 1);
        if (at > 0) reject(new Error('aborted'));
      };
      options.signal?.addEventListener('abort', abort, { once: true });
      queue.push(grant);
      if (queue.length === 1) grant();
    });
  }

  private next(name: string, done: () => void): void {
    const queue = this.queues.get(name) ?? [];
    queue.splice(queue.indexOf(done), 1);
    if (queue.length === 0) this.queues.delete(name);
    else queue[0]!();
  }
}

const processLocks = new ProcessLocks();
