import type { ListSyncStatus } from '@concord/core';

/** A return to `synced` is shown once core has stayed synced this long: typing does not flicker the status. */
export const SYNCED_HOLD_MS = 300;
/** Connecting for this long without success is said plainly: the relay cannot be reached (retries go on). */
export const UNREACHABLE_AFTER_MS = 3_000;

/** What the page shows of a list's sync status. */
export interface DisplayedStatus {
  readonly status: ListSyncStatus;
  /** Trying to connect for a while without success. */
  readonly unreachable: boolean;
}

/**
 * Turns core's status events into what the page shows, at most once per animation frame. It never shows `synced`
 * while core does not say so (a claim the page cannot take back); it shows core's `syncing` at once, but a return to
 * `synced` only after core stayed synced for `SYNCED_HOLD_MS`, so keystrokes acknowledged one by one show as one
 * stretch of syncing, not a flicker per keystroke.
 */
export class StatusDisplay {
  private latest: ListSyncStatus;
  private shown: DisplayedStatus;
  private frame: number | null = null;
  private holdTimer: ReturnType<typeof setTimeout> | undefined;
  private connectingSince: number | null = null;
  private unreachableTimer: ReturnType<typeof setTimeout> | undefined;
  private syncedSince: number | null = null;

  constructor(
    initial: ListSyncStatus,
    private readonly render: (shown: DisplayedStatus) => void,
  ) {
    this.latest = initial;
    this.shown = { status: initial, unreachable: false };
    this.track(initial);
  }

  get current(): DisplayedStatus {
    return this.shown;
  }

  update(status: ListSyncStatus): void {
    this.latest = status;
    this.track(status);
    // A claim of `synced` the page still shows is withdrawn at once, not at the next frame.
    if (this.shown.status.state === 'synced' && status.state !== 'synced') this.show();
    else this.schedule();
  }

  destroy(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    clearTimeout(this.holdTimer);
    clearTimeout(this.unreachableTimer);
  }

  private track(status: ListSyncStatus): void {
    const now = performance.now();
    if (status.state === 'connecting') {
      if (this.connectingSince === null) {
        this.connectingSince = now;
        clearTimeout(this.unreachableTimer);
        this.unreachableTimer = setTimeout(() => this.schedule(), UNREACHABLE_AFTER_MS);
      }
    } else {
      this.connectingSince = null;
      clearTimeout(this.unreachableTimer);
    }
    if (status.state !== 'synced') this.syncedSince = null;
    else if (this.syncedSince === null) this.syncedSince = now;
  }

  private schedule(): void {
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.show();
    });
  }

  private show(): void {
    const now = performance.now();
    let status = this.latest;
    if (status.state === 'synced' && this.shown.status.state === 'syncing' && this.syncedSince !== null) {
      const waited = now - this.syncedSince;
      if (waited < SYNCED_HOLD_MS) {
        // Still syncing on the page (true a moment ago); counts and progress are core's own.
        status = { ...status, state: 'syncing' };
        clearTimeout(this.holdTimer);
        this.holdTimer = setTimeout(() => this.schedule(), SYNCED_HOLD_MS - waited);
      }
    }
    const unreachable = this.connectingSince !== null && now - this.connectingSince >= UNREACHABLE_AFTER_MS - 1;
    this.shown = { status, unreachable };
    this.render(this.shown);
  }
}
