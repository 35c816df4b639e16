// Over 300 lines: the page's one stateful element (its state, event handlers and chunked first render); the views it
// renders live in chrome.ts, panels.ts and task-row.ts, drag and drop in drag-reorder.ts, the status shown in
// status-display.ts.
import { Presence, type Concord, type ListSyncStatus, type Peer, type Task, type TaskId, type TaskList } from '@concord/core';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { colorFor, rememberName, rememberWorkOffline, type PageConfig } from '../config.js';
import { trackEditing } from '../presence.js';
import { DragReorder } from './drag-reorder.js';
import { errorList, footer, toastView, topbar, type Toast } from './chrome.js';
import { emptyList, explainer, presenceBar, syncStatus, trashPanel } from './panels.js';
import { StatusDisplay, type DisplayedStatus } from './status-display.js';
import { label, taskRow, type RowContext } from './task-row.js';

const TOAST_MS = 8_000;
/** Rows rendered in the first pass of a big list (more than a screen), then CHUNK more per task until all are in. */
const FIRST_ROWS = 40;
const CHUNK_ROWS = 250;

/**
 * The whole page. Light DOM (no shadow root): the `data-testid` hooks are reachable with plain `querySelector`, and
 * one stylesheet styles everything. State lives in plain fields; `requestUpdate()` re-renders.
 */
export class ConcordApp extends LitElement {
  private config: PageConfig | null = null;
  private list: TaskList | null = null;
  private concord: Concord | null = null;
  private presence: Presence | null = null;
  private tasks: readonly Task[] = [];
  private trash: readonly Task[] = [];
  private status: DisplayedStatus = {
    status: { state: 'offline', pendingChanges: 0, unsavedTasks: 0, lastSyncedAt: null, firstSync: true, progress: { documentsTotal: 1, documentsSynced: 0 } },
    unreachable: false,
  };
  private statusDisplay: StatusDisplay | null = null;
  private peers: Peer[] = [];
  private workOffline = false;
  private readonly expanded = new Set<TaskId>();
  private toast: Toast | null = null;
  private toastTimer: ReturnType<typeof setTimeout> | undefined;
  private errors: string[] = [];
  private announcement = '';
  private loading = true;
  private drag: DragReorder | null = null;
  private readonly cleanups: Array<() => void> = [];
  /** How many rows are in the page while a big list is still being rendered in chunks. */
  private rowLimit = FIRST_ROWS;
  private chunkTimer: ReturnType<typeof setTimeout> | undefined;
  private chunkFrame: number | null = null;
  /** Called after the first render that shows the loaded list (for the render benchmark). */
  onListRendered: (() => void) | null = null;
  /** Called once every row of the loaded list is in the page. */
  onAllRowsRendered: (() => void) | null = null;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  /** Shows a list: subscribes to its tasks, status, errors and presence. */
  attach(config: PageConfig, list: TaskList, concord: Concord): void {
    this.config = config;
    this.list = list;
    this.concord = concord;
    this.workOffline = config.workOffline;
    this.presence = new Presence(list.awareness);
    this.presence.setUser(config.user);
    this.presence.setEditing(null);
    this.statusDisplay = new StatusDisplay(list.status, (shown) => {
      this.status = shown;
      this.requestUpdate();
    });
    this.status = this.statusDisplay.current;
    this.loading = false;
    this.cleanups.push(
      list.subscribe((tasks) => {
        this.tasks = tasks;
        this.trash = list.trash();
        this.renderNextFrame();
      }),
      this.presence.onChange(() => {
        this.peers = this.presence?.peers() ?? [];
        this.requestUpdate();
      }),
    );
    const onStatus = (status: ListSyncStatus) => this.statusDisplay?.update(status);
    const onError = (error: Error) => this.showError(error.message);
    list.on('status', onStatus);
    list.on('error', onError);
    this.cleanups.push(() => list.off('status', onStatus), () => list.off('error', onError), () => this.statusDisplay?.destroy());
    this.cleanups.push(trackEditing(this, this.presence));
    this.peers = this.presence.peers();
    this.requestUpdate();
  }

  private frame: number | null = null;

  /**
   * Renders at the next animation frame, once however many changes arrive before it: a list arriving from the relay
   * changes in hundreds of messages, and rendering a thousand rows per message is most of what a join would cost.
   */
  private renderNextFrame(): void {
    if (this.frame !== null) return;
    // The first render shows the list at once.
    if (!this.hasUpdated) return this.requestUpdate();
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.requestUpdate();
    });
  }

  /** Tells others this window left (on pagehide), or is back (a page restored from the back/forward cache). */
  setPresent(present: boolean): void {
    if (!this.list || !this.presence || !this.config) return;
    if (!present) this.presence.leave();
    else {
      this.presence.setUser(this.config.user);
      this.presence.setEditing(null);
    }
  }

  /** A failure to show until dismissed (role=alert). */
  showError(message: string): void {
    this.errors = [...this.errors.filter((existing) => existing !== message), message].slice(-3);
    this.loading = false;
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.drag?.destroy();
    clearTimeout(this.toastTimer);
    clearTimeout(this.chunkTimer);
    if (this.chunkFrame !== null) cancelAnimationFrame(this.chunkFrame);
    if (this.frame !== null) cancelAnimationFrame(this.frame);
  }

  protected override updated(_changed: PropertyValues): void {
    const container = this.querySelector<HTMLElement>('ul.tasks');
    if (container && !this.drag) {
      this.drag = new DragReorder(container, '.handle', (id, afterId) => this.move(id as TaskId, afterId as TaskId | null));
    }
    if (!this.list) return;
    if (this.onListRendered) {
      const done = this.onListRendered;
      this.onListRendered = null;
      done();
    }
    // A big list shows its first screen at once and the other rows in chunks, so the page responds early.
    if (this.rowLimit < this.tasks.length) {
      clearTimeout(this.chunkTimer);
      if (this.chunkFrame !== null) cancelAnimationFrame(this.chunkFrame);
      this.chunkFrame = null;
      const addRows = () => {
        this.chunkTimer = setTimeout(() => {
          this.rowLimit += CHUNK_ROWS;
          this.requestUpdate();
        }, 0);
      };
      // The first screen is painted before more rows come: a task queued now would run before the next frame, and the
      // frame would then lay out and paint 250 more rows before showing anything.
      if (this.rowLimit === FIRST_ROWS) this.chunkFrame = requestAnimationFrame(addRows);
      else addRows();
    } else if (this.rowLimit !== Infinity) {
      this.rowLimit = Infinity;
      this.onAllRowsRendered?.();
      this.onAllRowsRendered = null;
    }
  }

  private readonly toggleExpanded = (id: TaskId): void => {
    if (!this.expanded.delete(id)) this.expanded.add(id);
    this.requestUpdate();
    void this.updateComplete.then(() => this.querySelector<HTMLElement>(`#desc-${CSS.escape(id)}`)?.focus());
  };

  protected override render() {
    const config = this.config;
    const list = this.list;
    const offline = this.status.status.state === 'offline';
    const rows: RowContext | null = list && {
      list,
      expanded: this.expanded,
      editors: this.editorsByTask(),
      toggleExpanded: this.toggleExpanded,
      remove: (id) => this.deleteTask(id),
      step: (id, by, focused) => this.step(id, by, focused),
    };
    return html`
      ${topbar(config?.listId, this.workOffline, this.concord?.transport != null, (offline) => this.setWorkOffline(offline))}
      <div class="statusbar">${syncStatus(this.status.status, this.status.unreachable)}${this.concord && !this.concord.transport ? html`<span class="muted">local only</span>` : nothing}</div>
      ${errorList(this.errors, (message) => this.dismissError(message))}
      ${list && config && rows
        ? html`${presenceBar(this.peers, offline, this.tasks, (name) => this.rename(name))}
            <main class="card">
              <form class="new-task" @submit=${(event: Event) => this.create(event)}>
                <label class="visually-hidden" for="new-task">New task</label>
                <input id="new-task" data-testid="new-task-input" placeholder="Add a task and press Enter" autocomplete="off" maxlength="500" />
                <button type="submit" class="button button--primary">Add</button>
              </form>
              <ul class="tasks" aria-label="Tasks" data-testid="task-list">
                ${repeat(
                  this.rowLimit < this.tasks.length ? this.tasks.slice(0, this.rowLimit) : this.tasks,
                  (task) => task.id,
                  (task, index) => taskRow(task, index, this.tasks.length, rows),
                )}
              </ul>
              ${this.tasks.length === 0 ? emptyList(this.status.status) : nothing}
              <p class="hint muted">Alt+↑/↓ moves the focused task. Esc leaves a title.</p>
            </main>
            ${trashPanel(this.trash, (id) => this.restore(id), (id) => void this.purge(id))}
            ${explainer(config.listId, this.secondWindowHref(config))}`
        : html`<main class="card"><p class="muted" data-testid="loading">${this.errors.length ? 'Could not open the list.' : 'Opening the list…'}</p></main>`}
      ${footer()} ${toastView(this.toast)}
      <div class="visually-hidden" aria-live="assertive">${this.announcement}</div>
    `;
  }

  private editorsCache: { peers: Peer[]; map: ReadonlyMap<TaskId, readonly Peer[]> } | null = null;
  private editorsByTask(): ReadonlyMap<TaskId, readonly Peer[]> {
    if (this.editorsCache?.peers === this.peers) return this.editorsCache.map;
    const map = this.status.status.state !== 'offline' && this.presence ? this.presence.editorsByTask() : new Map<TaskId, Peer[]>();
    this.editorsCache = { peers: this.peers, map };
    return map;
  }

  private create(event: Event): void {
    event.preventDefault();
    const input = this.querySelector<HTMLInputElement>('#new-task');
    const title = input?.value.trim();
    if (!input || !title || !this.list) return;
    this.list.create({ title });
    input.value = '';
    this.announce(`Added “${title}”.`);
  }

  private deleteTask(id: TaskId): void {
    const list = this.list;
    const task = list?.get(id);
    if (!list || !task) return;
    const index = this.tasks.findIndex((candidate) => candidate.id === id);
    list.delete(id);
    this.expanded.delete(id);
    this.showToast({ message: `Deleted “${label(task)}”.`, undo: () => this.restore(id) });
    // Keep keyboard users in the list: focus the next row's title, or the new-task field.
    void this.updateComplete.then(() => {
      const rows = this.querySelectorAll<HTMLElement>('ul.tasks > [data-task-id] .title');
      (rows[Math.min(index, rows.length - 1)] ?? this.querySelector<HTMLElement>('#new-task'))?.focus();
    });
  }

  private restore(id: TaskId): void {
    if (!this.list?.get(id)) return;
    this.list.restore(id);
    this.showToast({ message: `Restored “${label(this.list.get(id)!)}”.` });
  }

  private async purge(id: TaskId): Promise<void> {
    try {
      await this.list?.purge(id);
    } catch (error) {
      this.showError(error instanceof Error ? error.message : String(error));
    }
  }

  private move(id: TaskId, afterId: TaskId | null): void {
    this.list?.move(id, afterId);
    const index = this.list?.tasks().findIndex((task) => task.id === id) ?? -1;
    this.announce(`Moved to position ${index + 1} of ${this.tasks.length}.`);
  }

  private step(id: TaskId, by: -1 | 1, focused: Element | null): void {
    const index = this.tasks.findIndex((task) => task.id === id);
    const target = index + by;
    if (index < 0 || target < 0 || target >= this.tasks.length) return;
    const afterIndex = by < 0 ? target - 1 : target;
    this.move(id, afterIndex < 0 ? null : this.tasks[afterIndex]!.id);
    // Moving a row's DOM can drop focus: put it back where it was, caret included.
    const field = focused instanceof HTMLInputElement && focused.type !== 'checkbox' ? focused : null;
    const start = field?.selectionStart;
    const end = field?.selectionEnd;
    void this.updateComplete.then(() => {
      if (focused instanceof HTMLElement && document.activeElement !== focused) focused.focus();
      if (field && typeof start === 'number' && typeof end === 'number') field.setSelectionRange(start, end);
    });
  }

  private setWorkOffline(offline: boolean): void {
    this.workOffline = offline;
    if (this.config) rememberWorkOffline(sessionStorage, offline);
    if (offline) this.concord?.disconnect();
    else this.concord?.connect();
    this.requestUpdate();
  }

  private rename(name: string): void {
    const trimmed = name.trim().slice(0, 40);
    if (!trimmed || !this.presence) return;
    rememberName(localStorage, trimmed);
    const user = { name: trimmed, color: colorFor(trimmed) };
    if (this.config) this.config = { ...this.config, user };
    this.presence.setUser(user);
  }

  private secondWindowHref(config: PageConfig): string {
    const params = new URLSearchParams({ list: config.listId, user: config.user.name === 'Second window' ? 'Third window' : 'Second window' });
    return `?${params.toString()}`;
  }

  private showToast(toast: Toast): void {
    this.toast = toast;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => {
      this.toast = null;
      this.requestUpdate();
    }, TOAST_MS);
    this.requestUpdate();
  }

  private dismissError(message: string): void {
    this.errors = this.errors.filter((existing) => existing !== message);
    this.requestUpdate();
  }

  private announce(message: string): void {
    this.announcement = message;
    this.requestUpdate();
  }
}

customElements.define('concord-app', ConcordApp);

declare global {
  interface HTMLElementTagNameMap {
    'concord-app': ConcordApp;
  }
}
