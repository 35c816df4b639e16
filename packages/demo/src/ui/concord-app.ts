import { Presence, type Concord, type ListSyncStatus, type Peer, type Task, type TaskId, type TaskList } from '@concord/core';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { colorFor, rememberName, rememberWorkOffline, type PageConfig } from '../config.js';
import { trackEditing } from '../presence.js';
import './activity-panel.js';
import { DragReorder } from './drag-reorder.js';
import { errorList, footer, toastView, topbar } from './chrome.js';
import { emptyList, explainer, presenceBar, syncStatus, trashPanel } from './panels.js';
import { RenderPacing } from './render-pacing.js';
import { StatusDisplay, type DisplayedStatus } from './status-display.js';
import { TaskActions } from './task-actions.js';
import { taskRow, type RowContext } from './task-row.js';
import { allTags, filterBar, filteredTasks, isFiltering, members, newerVersionNotice, NO_FILTER, type FilterState } from './filters.js';
import { hasDemoFields, localToday } from './task-fields.js';
import { ToastController } from './toast-controller.js';
import { describeStep, installUndoKeys } from './undo-keys.js';

/**
 * The whole page. Light DOM (no shadow root): the `data-testid` hooks are reachable with plain `querySelector`, and
 * one stylesheet styles everything. State lives in plain fields; `requestUpdate()` re-renders. What people do to
 * tasks is in task-actions.ts, render pacing in render-pacing.ts, the views in chrome.ts, panels.ts and task-row.ts.
 */
export class ConcordApp extends LitElement {
  private config: PageConfig | null = null;
  private list: TaskList | null = null;
  private concord: Concord | null = null;
  private presence: Presence | null = null;
  private actions: TaskActions | null = null;
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
  private readonly toast = new ToastController(() => this.requestUpdate());
  private readonly pacing = new RenderPacing(() => this.requestUpdate());
  private errors: string[] = [];
  private announcement = '';
  private drag: DragReorder | null = null;
  private filters: FilterState = NO_FILTER;
  private readonly cleanups: Array<() => void> = [];
  /** Called after the first render that shows the loaded list (for the render benchmark). */
  onListRendered: (() => void) | null = null;

  /** Called once every row of the loaded list is in the page. */
  set onAllRowsRendered(callback: (() => void) | null) {
    this.pacing.onAllRows = callback;
  }

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
    this.actions = new TaskActions({
      root: this,
      list,
      toast: this.toast,
      tasks: () => this.tasks,
      announce: (message) => this.announce(message),
      showError: (message) => this.showError(message),
      rendered: () => this.updateComplete,
      forget: (id) => this.expanded.delete(id),
    });
    this.statusDisplay = new StatusDisplay(list.status, (shown) => {
      this.status = shown;
      this.requestUpdate();
    });
    this.status = this.statusDisplay.current;
    this.cleanups.push(
      list.subscribe((tasks) => {
        this.tasks = tasks;
        this.trash = list.trash();
        this.pacing.schedule(!this.hasUpdated);
      }),
      this.presence.onChange(() => {
        this.peers = this.presence?.peers() ?? [];
        this.requestUpdate();
      }),
    );
    const onStatus = (status: ListSyncStatus) => this.statusDisplay?.update(status);
    const onError = (error: Error) => this.showError(error.message);
    const onNewer = () => this.requestUpdate();
    list.on('status', onStatus);
    list.on('error', onError);
    list.on('newerSchema', onNewer);
    this.cleanups.push(() => list.off('status', onStatus), () => list.off('error', onError), () => list.off('newerSchema', onNewer), () => this.statusDisplay?.destroy());
    this.cleanups.push(trackEditing(this, this.presence));
    this.cleanups.push(installUndoKeys(window, () => this.list, (result, redone) => this.toast.show({ message: describeStep(result, redone) })));
    this.peers = this.presence.peers();
    this.requestUpdate();
    void this.updateComplete.then(() => this.querySelector('activity-panel')?.follow(list, config.user.name));
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
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.drag?.destroy();
    this.toast.destroy();
    this.pacing.destroy();
  }

  protected override updated(_changed: PropertyValues): void {
    const container = this.querySelector<HTMLElement>('ul.tasks');
    if (container && !this.drag) {
      this.drag = new DragReorder(container, '.handle', (id, afterId) => this.actions?.move(id as TaskId, afterId as TaskId | null));
    }
    if (!this.list) return;
    if (this.onListRendered) {
      const done = this.onListRendered;
      this.onListRendered = null;
      done();
    }
    this.pacing.rendered(this.tasks.length);
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
    const actions = this.actions;
    const rows: RowContext | null = list && actions && {
      list,
      expanded: this.expanded,
      editors: this.editorsByTask(),
      toggleExpanded: this.toggleExpanded,
      remove: (id) => actions.delete(id),
      step: (id, by, focused) => actions.step(id, by, focused),
      fields: config && hasDemoFields(list) ? { list: list as never, members: members(this.tasks, this.peers.map((peer) => peer.user.name), config.user.name), today: localToday(), refused: (error) => this.showError(String((error as Error).message)) } : null,
    };
    const shown = list && config && rows?.fields && isFiltering(this.filters) ? filteredTasks(list, this.filters, config.user.name, rows.fields.today) : this.tasks;
    return html`
      ${topbar(config?.listId, this.workOffline, this.concord?.transport != null, (offline) => this.setWorkOffline(offline))}
      <div class="statusbar">${syncStatus(this.status.status, this.status.unreachable)}${this.concord && !this.concord.transport ? html`<span class="muted">local only</span>` : nothing}</div>
      ${errorList(this.errors, (message) => this.dismissError(message))}
      ${list && config && rows && actions
        ? html`${presenceBar(this.peers, offline, this.tasks, (name) => this.rename(name))}
            <activity-panel></activity-panel>
            <main class="card">
              ${newerVersionNotice(list)}
              ${rows.fields ? filterBar(this.filters, allTags(this.tasks), shown.length, this.tasks.length, (filters) => this.setFilters(filters)) : nothing}
              <form class="new-task" @submit=${(event: Event) => this.create(event)}>
                <label class="visually-hidden" for="new-task">New task</label>
                <input id="new-task" data-testid="new-task-input" placeholder="Add a task and press Enter" autocomplete="off" maxlength="500" />
                <button type="submit" class="button button--primary">Add</button>
              </form>
              <ul class="tasks" aria-label="Tasks" data-testid="task-list">
                ${repeat(
                  this.pacing.visible(shown),
                  (task) => task.id,
                  (task, index) => taskRow(task, index, shown.length, rows),
                )}
              </ul>
              ${this.tasks.length === 0 ? emptyList(this.status.status) : nothing}
              <p class="hint muted">Alt+↑/↓ moves the focused task. Esc leaves a title.</p>
            </main>
            ${trashPanel(this.trash, (id) => actions.restore(id), (id) => void actions.purge(id))}
            ${explainer(config.listId, this.secondWindowHref(config))}`
        : html`<main class="card"><p class="muted" data-testid="loading">${this.errors.length ? 'Could not open the list.' : 'Opening the list…'}</p></main>`}
      ${footer()} ${toastView(this.toast.current)}
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
    if (!input || !title || !this.actions) return;
    this.actions.create(title);
    input.value = '';
  }

  private setFilters(filters: FilterState): void {
    this.filters = filters;
    this.requestUpdate();
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
