export interface HeartbeatOptions {
  /** How often to probe, in ms. */
  readonly intervalMs: number;
  /** Silence (no inbound frame at all) after which the connection is declared dead, in ms. */
  readonly timeoutMs: number;
  readonly sendPing: (nonce: number) => void;
  /** Called once when the connection is declared dead; the heartbeat has stopped by then. */
  readonly onDead: () => void;
  readonly now?: () => number;
}

const NONCE_MODULUS = 2 ** 31;

/**
 * Detects a connection that stays open but carries nothing (Chromium's offline mode holds an open WebSocket and its
 * messages without closing it). Any inbound frame counts as a sign of life, so a busy connection needs no Pong.
 *
 * Receiving a frame only stores a timestamp: re-arming a timer for each of thousands of frames per second would cost
 * more than the frames. The deadline timer instead re-arms itself for the remaining time when it fires early.
 */
export class Heartbeat {
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  #deadTimer: ReturnType<typeof setTimeout> | null = null;
  #lastInbound = 0;
  #nonce = 0;
  readonly #now: () => number;

  constructor(private readonly options: HeartbeatOptions) {
    this.#now = options.now ?? Date.now;
  }

  get running(): boolean {
    return this.#pingTimer !== null;
  }

  start(): void {
    this.stop();
    this.#lastInbound = this.#now();
    this.#pingTimer = setInterval(() => {
      this.#nonce = (this.#nonce + 1) % NONCE_MODULUS;
      this.options.sendPing(this.#nonce);
    }, this.options.intervalMs);
    this.#armDeadline(this.options.timeoutMs);
  }

  /** Records a sign of life. */
  received(): void {
    this.#lastInbound = this.#now();
  }

  stop(): void {
    if (this.#pingTimer !== null) clearInterval(this.#pingTimer);
    if (this.#deadTimer !== null) clearTimeout(this.#deadTimer);
    this.#pingTimer = null;
    this.#deadTimer = null;
  }

  #armDeadline(delayMs: number): void {
    this.#deadTimer = setTimeout(() => {
      this.#deadTimer = null;
      const silentFor = this.#now() - this.#lastInbound;
      if (silentFor >= this.options.timeoutMs) {
        this.stop();
        this.options.onDead();
      } else {
        this.#armDeadline(this.options.timeoutMs - silentFor);
      }
    }, delayMs);
  }
}
