// Over 300 lines: the page's one stateful element, wiring one list's session and the state each view reads; what
// people do, what the page follows on a list and every view live in modules of their own (listed below).
import type { Concord, Peer, Task, TaskId, TaskList } from '@concord/core';
import { html, LitElement, nothing } from 'lit';
import { rememberWorkOffline, writerId, type PageConfig } from '../config.js';
import type { Identity } from '../identity/identity.js';
import { bindToastUndo, undoKeyLabel } from '../keyboard/undo-shortcut.js';
import { RovingRows } from '../keyboard/roving-rows.js';
import { accessProblem, ListAccess, type AccessProblem } from '../lists/list-access.js';
import { RecentLists } from '../lists/recent-lists.js';
import type { Member } from '../members/member-source.js';
import { badLinkNotice } from './bad-link.js';
import { errorList, footer, toastView } from './chrome.js';
import { DragReorder } from './drag-reorder.js';
import { filteredView } from './filtered-view.js';
import { captureFirstScreen, FirstScreenCopy } from '../first-screen/first-screen-copy.js';
import { loadLaterViews } from './later-views.js';
import { NO_FILTER, type FilterState } from './filters.js';
import { ListActions } from './list-actions.js';
import { listHeader, type ShareState } from './list-header.js';
import { ListSession } from './list-session.js';
import { membersPanel } from './members-panel.js';
import { presenceBar, statusSection, trashPanel } from './panels.js';
import { RenderPacing } from './render-pacing.js';
import type { DisplayedStatus } from './status-display.js';
import { TaskActions } from './task-actions.js';
import type { RowContext } from './task-row.js';
import { completedOpenPref, rememberCompletedOpen, taskSection } from './task-section.js';
import { ToastController } from './toast-controller.js';
import { describeStep, installUndoKeys } from './undo-keys.js';
import { rememberWelcomed, welcome, welcomed } from './welcome.js';

/**
 * The whole page. Light DOM (no shadow root): the `data-testid` hooks are reachable with plain `querySelector`, and
 * one stylesheet styles everything. State lives in plain fields; `requestUpdate()` re-renders. What people do is in
 * task-actions.ts and list-actions.ts; the views in list-header.ts, task-section.ts, task-row.ts, panels.ts,
 * members-panel.ts, welcome.ts and chrome.ts.
 */
export class ConcordApp extends LitElement {
  private config: PageConfig | null = null;
  private concord: Concord | null = null;
  private session: ListSession | null = null;
  private actions: TaskActions | null = null;
  private listActions: ListActions | null = null;
  private readonly recent = new RecentLists(localStorage);
  private tasks: readonly Task[] = [];
  private trash: readonly Task[] = [];
  private status: DisplayedStatus = {
    status: { state: 'offline', pendingChanges: 0, unsavedTasks: 0, lastSyncedAt: null, firstSync: true, progress: { documentsTotal: 1, documentsSynced: 0 } },
    unreachable: false,
  };
  private peers: Peer[] = [];
  private memberList: readonly Member[] = [];
  private workOffline = false;
  /** Why the relay refuses this page, once it was unreachable for a while (checked once). */
  private access: AccessProblem | null = null;
  private accessChecked = false;
  private sharing: ShareState | null = null;
  private showWelcome = false;
  /** What `?list=` held when it was no list id, until dismissed. */
  private badLink: string | null = null;
  private completedOpen = completedOpenPref(localStorage);
  /** A touch screen (coarse pointer): no keyboard hints. */
  private readonly touch = matchMedia('(pointer: coarse)').matches;
  private readonly expanded = new Set<TaskId>();
  private readonly toast = new ToastController(() => this.requestUpdate());
  private readonly pacing = new RenderPacing(() => this.requestUpdate());
  private readonly rows = new RovingRows(this, '[data-testid="task"]', '[data-testid="task-handle"]');
  private filters: FilterState = NO_FILTER;
  private errors: string[] = [];
  private announcement = '';
  private drag: DragReorder | null = null;
  private readonly cleanups: Array<() => void> = [];
  /** index.html's copy of the list as this device last showed it, until the app renders the list itself. */
  private prepainted: Element | null = null;
  private firstScreen: FirstScreenCopy | null = null;
  /** Called after the first render that shows the loaded list (for the render benchmark). */
  onListRendered: (() => void) | null = null;

  /** Called once every row of the loaded list is in the page. */
  set onAllRowsRendered(callback: (() => void) | null) {
    this.pacing.onAllRows = callback;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    this.prepainted ??= this.querySelector(':scope > [data-first-screen]');
    super.connectedCallback();
  }

  /** Shows a list: follows its tasks, name, status, presence and members (list-session.ts). */
  attach(config: PageConfig, list: TaskList, concord: Concord): void {
    this.config = config;
    this.concord = concord;
    this.workOffline = config.workOffline;
    this.showWelcome = config.firstVisit && !welcomed(localStorage);
    this.badLink = config.badLink;
    const session = new ListSession(list, config.identity, writerId(config), this, {
      tasks: (tasks, trash) => {
        this.tasks = tasks;
        this.trash = trash;
        this.pacing.schedule(!this.hasUpdated);
      },
      peers: (peers) => this.changed(() => (this.peers = peers)),
      members: (memberList) => this.changed(() => (this.memberList = memberList)),
      name: () => this.showName(),
      status: (status) => {
        this.changed(() => (this.status = status));
        if (status.unreachable && !this.accessChecked) {
          this.accessChecked = true;
          void accessProblem(location, config.token).then((problem) => this.changed(() => (this.access = problem)));
        }
      },
      announce: (message) => this.announce(message),
      error: (message) => this.showError(message),
    }, this.recent.all().find((entry) => entry.id === list.id)?.name);
    this.session = session;
    const firstScreen = new FirstScreenCopy(localStorage, list.id, () => captureFirstScreen(this, innerHeight));
    this.firstScreen = firstScreen;
    // A hidden or closing page may never come back: its copy is saved as it was last seen.
    const onHidden = () => document.visibilityState === 'hidden' && firstScreen.saveNow();
    const onPageHide = () => firstScreen.saveNow();
    document.addEventListener('visibilitychange', onHidden);
    window.addEventListener('pagehide', onPageHide);
    if (config.newListName && !session.name.value) session.name.set(config.newListName);
    const wrote = () => session.wrote();
    this.actions = new TaskActions({
      root: this,
      list,
      toast: this.toast,
      rows: this.rows,
      tasks: () => this.tasks,
      announce: (message) => this.announce(message),
      showError: (message) => this.showError(message),
      rendered: () => this.updateComplete,
      forget: (id) => this.expanded.delete(id),
      wrote,
    });
    this.listActions = new ListActions({
      concord,
      list,
      name: session.name,
      recent: this.recent,
      access: new ListAccess(localStorage),
      location,
      navigate: (url) => location.assign(url),
      setSharing: (sharing) => this.changed(() => (this.sharing = sharing)),
      announce: (message) => this.announce(message),
      showError: (message) => this.showError(message),
      wrote,
    });
    const onNewer = () => this.requestUpdate();
    list.on('newerSchema', onNewer);
    this.cleanups.push(
      () => session.destroy(),
      () => list.off('newerSchema', onNewer),
      () => document.removeEventListener('visibilitychange', onHidden),
      () => window.removeEventListener('pagehide', onPageHide),
      () => firstScreen.destroy(),
      // The toast's Undo first (a delete, a whole clear), else the list's undo stack (undo-keys.ts).
      bindToastUndo(window, this.toast),
      installUndoKeys(window, () => list, (result, redone) => this.toast.show({ message: describeStep(result, redone) })),
    );
    this.status = session.statusDisplay.current;
    this.peers = session.presence.peers();
    this.memberList = session.members.members();
    this.showName();
    // Once the list is painted (the panels are in the page then): whether the list had been downloaded is as it was
    // when it opened.
    const downloading = list.status.firstSync;
    void this.updateComplete
      .then(afterPaint)
      .then(loadLaterViews)
      .then(() => {
        if (this.session !== session) return;
        this.querySelector('activity-panel')?.follow(list, config.identity.name, downloading);
        this.querySelector('history-view')?.follow(list);
        // Open rows get their history.
        if (this.expanded.size > 0) this.requestUpdate();
      });
  }

  /** Tells others this window left (on pagehide), or is back (a page restored from the back/forward cache). */
  setPresent(present: boolean): void {
    this.session?.setPresent(present);
  }

  private showName(): void {
    const session = this.session;
    if (!session) return;
    this.recent.opened(session.list.id, session.name.value);
    document.title = `${session.name.display()} · Concord`;
    this.requestUpdate();
  }

  /** Changes some of the page's state, then renders. */
  private changed(apply: () => void): void {
    apply();
    this.requestUpdate();
  }

  /** A failure to show until dismissed (role=alert). */
  showError(message: string): void {
    this.changed(() => (this.errors = [...this.errors.filter((existing) => existing !== message), message].slice(-3)));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.drag?.destroy();
    this.rows.destroy();
    this.toast.destroy();
    this.pacing.destroy();
  }

  protected override updated(): void {
    // The app's own page replaces the copy in the task that rendered it: no frame shows both, or neither.
    if (this.prepainted && (this.session || this.errors.length > 0)) {
      this.prepainted.remove();
      this.prepainted = null;
    }
    const container = this.querySelector<HTMLElement>('ul.tasks');
    if (container && !this.drag) {
      this.drag = new DragReorder(container, '.handle', (id, afterId) => this.actions?.move(id as TaskId, afterId as TaskId | null));
    }
    if (!this.session) return;
    this.rows.apply();
    this.firstScreen?.changed();
    const done = this.onListRendered;
    this.onListRendered = null;
    done?.();
    this.pacing.rendered(this.tasks.length);
  }

  private readonly toggleExpanded = (id: TaskId): void => {
    if (!this.expanded.delete(id)) this.expanded.add(id);
    this.requestUpdate();
    // An open row shows the task's history (the later views): at once when they are loaded, else once they are.
    void loadLaterViews().then(() => this.requestUpdate());
    void this.updateComplete.then(() => this.querySelector<HTMLElement>(`#desc-${CSS.escape(id)}`)?.focus());
  };

  protected override render() {
    const { config, actions, listActions } = this;
    const list = this.session?.list;
    const listName = this.session?.name;
    const offline = this.status.status.state === 'offline';
    const header = listHeader({
      listId: list?.id ?? config?.listId,
      listName: listName?.display() ?? config?.listId ?? 'Concord',
      recent: this.recent.all(),
      workOffline: this.workOffline,
      canConnect: this.concord?.transport != null,
      sharing: this.sharing,
      rename: (name) => listActions?.rename(name),
      create: (name) => void listActions?.create(name),
      leave: () => {
        this.firstScreen?.forget();
        listActions?.leave();
      },
      share: (mode) => void listActions?.share(mode),
      closeShare: () => this.changed(() => (this.sharing = null)),
      setWorkOffline: (value) => this.setWorkOffline(value),
    });
    const status = statusSection(this.status, this.concord !== null && !this.concord.transport, this.workOffline, this.access);
    if (!list || !config || !actions) {
      if (this.prepainted && this.errors.length === 0) return nothing;
      return html`<div class="scroller">
          ${header} ${status} ${errorList(this.errors, (message) => this.dismissError(message))}
          <main class="card"><p class="muted" data-testid="loading">${this.errors.length ? 'Could not open the list.' : 'Opening the list…'}</p></main>
        </div>
        ${toastView(null, null)}`;
    }
    const setFilters = (filters: FilterState) => this.changed(() => (this.filters = filters));
    const { fields, shown, header: filters } = filteredView(list, this.tasks, this.peers, config.identity.name, this.filters, setFilters, (message) => this.showError(message));
    const rows: RowContext = {
      list,
      fields,
      expanded: this.expanded,
      editors: this.session?.editors(offline) ?? new Map(),
      toggleExpanded: this.toggleExpanded,
      remove: (id) => actions.delete(id),
      step: (id, by, focused) => actions.step(id, by, focused),
      titleKeyDown: (event, task) => actions.titleKeyDown(event, task),
      touch: this.touch,
    };
    const open = shown.filter((task) => !task.completed);
    const completed = shown.filter((task) => task.completed);
    return html`<div class="scroller">
        ${header} ${status} ${errorList(this.errors, (message) => this.dismissError(message))}
        ${this.badLink !== null
          ? badLinkNotice({
              link: this.badLink,
              openedId: list.id,
              openedName: listName?.display() ?? list.id,
              recent: this.recent.all(),
              create: (name) => void listActions?.create(name),
              dismiss: () => this.dismissBadLink(),
            })
          : nothing}
        ${this.showWelcome
          ? welcome({
              identity: config.identity,
              listName: listName?.display() ?? list.id,
              listId: list.id,
              setName: (name) => this.setIdentity({ name }),
              setColor: (color) => this.setIdentity({ color }),
              dismiss: () => this.dismissWelcome(),
            })
          : nothing}
        ${presenceBar(this.peers, offline, this.tasks, (name) => this.setIdentity({ name }))}
        <activity-panel></activity-panel>
        <history-view></history-view>
        ${taskSection(
          {
            header: filters,
            all: this.tasks.length,
            open,
            completed,
            status: this.status.status,
            visible: (tasks) => this.pacing.visible(tasks),
            fieldsShown: (position) => this.pacing.fieldsShown(position),
            completedOpen: this.completedOpen,
            setCompletedOpen: (value) => this.setCompletedOpen(value),
            create: (title) => actions.create(title),
            clearCompleted: () => actions.clearCompleted(),
          },
          rows,
        )}
        ${membersPanel(this.memberList, offline)}
        <aside class="trash-region" aria-label="Trash">${trashPanel(this.trash, (id) => actions.restore(id), (id) => void actions.purge(id))}</aside>
        ${footer(() => this.setWelcome(true))}
        <div class="visually-hidden" aria-live="polite" data-testid="announcer">${this.announcement}</div>
      </div>
      ${toastView(this.toast.current, this.touch ? null : undoKeyLabel())}`;
  }

  private setWorkOffline(offline: boolean): void {
    this.workOffline = offline;
    rememberWorkOffline(sessionStorage, offline);
    if (offline) this.concord?.disconnect();
    else this.concord?.connect();
    this.requestUpdate();
  }

  private setIdentity(change: Partial<Pick<Identity, 'name' | 'color'>>): void {
    const identity = this.session?.changeIdentity(change);
    if (identity && this.config) this.config = { ...this.config, identity };
    this.requestUpdate();
  }

  private dismissBadLink(): void {
    this.changed(() => (this.badLink = null));
    void this.updateComplete.then(() => this.querySelector<HTMLElement>('#new-task')?.focus());
  }

  private dismissWelcome(): void {
    rememberWelcomed(localStorage);
    this.setWelcome(false);
  }

  /** Shows (scrolled to) or hides the first-visit view; hidden, focus goes to the new-task field. */
  private setWelcome(shown: boolean): void {
    this.changed(() => (this.showWelcome = shown));
    void this.updateComplete.then(() => (shown ? this.querySelector('#welcome-heading')?.scrollIntoView() : this.querySelector<HTMLElement>('#new-task')?.focus()));
  }

  private setCompletedOpen(open: boolean): void {
    if (open === this.completedOpen) return;
    this.completedOpen = open;
    rememberCompletedOpen(localStorage, open);
    this.requestUpdate();
  }

  private dismissError(message: string): void {
    this.changed(() => (this.errors = this.errors.filter((existing) => existing !== message)));
  }

  private announce(message: string): void {
    this.changed(() => (this.announcement = message));
  }
}

/** Resolves after the next frame is painted. */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

customElements.define('concord-app', ConcordApp);

declare global {
  interface HTMLElementTagNameMap {
    'concord-app': ConcordApp;
  }
}
