/**
 * Runs a task once the adapter has been left alone for `delay` ms: every call to `schedule` restarts the wait, so a
 * burst of writes is followed by one round of merging, not one per write.
 */
export class IdleScheduler {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly delay: number,
    private readonly task: () => void,
  ) {}

  schedule(): void {
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.task();
    }, this.delay);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
