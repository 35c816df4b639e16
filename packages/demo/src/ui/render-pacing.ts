/**
 * A big list renders the rows that can fit in the window first (a row is at least this tall, in CSS pixels), then
 * CHUNK_ROWS more per task until all are in: each row rendered before the first paint delays it.
 */
const MIN_ROW_HEIGHT = 40;
const CHUNK_ROWS = 250;
/** Rows given their task fields per idle period: a short task, so what arrives meanwhile is not kept waiting. */
const FIELDS_CHUNK_ROWS = 100;
/**
 * At most this many rows more than have their fields (tasks created here, a small list's rows) get them in the next
 * render: fields added later make rows taller, and would move a row that was just scrolled into view out of it.
 */
const FEW_ROWS = 100;

function firstRows(): number {
  return Math.max(10, Math.ceil((typeof innerHeight === 'number' ? innerHeight : 800) / MIN_ROW_HEIGHT));
}

/**
 * How often and how much the page renders. Changes render at the next animation frame, once however many arrive
 * before it: a list arriving from the relay changes in hundreds of messages, and rendering a thousand rows per message
 * is most of what a join would cost. A big list shows its first screen at once and the other rows in chunks, so the
 * page responds early.
 */
export class RenderPacing {
  private frame: number | null = null;
  private chunkTimer: ReturnType<typeof setTimeout> | undefined;
  private chunkFrame: number | null = null;
  /** How many rows are in the page while a big list is still being rendered in chunks. */
  private readonly firstRows = firstRows();
  private limit = this.firstRows;
  /**
   * How many rows, in page order, show their task fields while a big list is still being rendered: the rest get them
   * FIELDS_CHUNK_ROWS at a time when the page is idle. A row's fields (a date input, two selects, a tag input) cost more to
   * create than the rest of the row: a thousand rows with them took twice the main thread's time to show every title.
   */
  private fieldRows = this.firstRows;
  private fieldsIdle: number | null = null;
  /** Called once every row of the loaded list is in the page. */
  onAllRows: (() => void) | null = null;

  constructor(private readonly requestUpdate: () => void) {}

  /** Renders at the next frame; at once when `now` (the first render shows the list without waiting). */
  schedule(now: boolean): void {
    if (this.frame !== null) return;
    if (now) return this.requestUpdate();
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.requestUpdate();
    });
  }

  /** The rows to render of `items`. */
  visible<T>(items: readonly T[]): readonly T[] {
    return this.limit < items.length ? items.slice(0, this.limit) : items;
  }

  /** Whether the row at `position` (in page order) shows its task fields yet. */
  fieldsShown(position: number): boolean {
    return position < this.fieldRows;
  }

  /** After a render of `count` rows: schedules the next chunk, or reports that every row is in. */
  rendered(count: number): void {
    this.scheduleFields(count);
    if (this.limit < count) {
      clearTimeout(this.chunkTimer);
      if (this.chunkFrame !== null) cancelAnimationFrame(this.chunkFrame);
      this.chunkFrame = null;
      const addRows = () => {
        this.chunkTimer = setTimeout(() => {
          this.limit += CHUNK_ROWS;
          this.requestUpdate();
        }, 0);
      };
      // The first screen is painted before more rows come: a task queued now would run before the next frame, and the
      // frame would then lay out and paint 250 more rows before showing anything.
      if (this.limit === this.firstRows) this.chunkFrame = requestAnimationFrame(addRows);
      else addRows();
    } else if (this.limit !== Infinity) {
      this.limit = Infinity;
      this.onAllRows?.();
      this.onAllRows = null;
    }
  }

  private scheduleFields(count: number): void {
    if (this.fieldRows >= count || this.fieldsIdle !== null) return;
    // A few rows more: their fields at once, in the next render.
    if (count - this.fieldRows <= FEW_ROWS) {
      this.fieldRows = count;
      this.requestUpdate();
      return;
    }
    // Only when the page is idle (no deadline): while a list downloads, showing every title comes first.
    this.fieldsIdle = requestIdleCallback(() => {
      this.fieldsIdle = null;
      this.fieldRows += FIELDS_CHUNK_ROWS;
      this.requestUpdate();
    });
  }

  destroy(): void {
    if (this.fieldsIdle !== null) cancelIdleCallback(this.fieldsIdle);
    clearTimeout(this.chunkTimer);
    if (this.chunkFrame !== null) cancelAnimationFrame(this.chunkFrame);
    if (this.frame !== null) cancelAnimationFrame(this.frame);
  }
}
