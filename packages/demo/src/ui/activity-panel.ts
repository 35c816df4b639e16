import { isResolution, type ActivityEvent, type ListSyncStatus, type TaskId, type TaskList, type TextVersion } from '@concord/core';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { describeEvent, when } from './activity-text.js';
import { taskVersions } from './history-view.js';

const SEEN_KEY = 'concord:activity-seen:';

/**
 * "While you were away": after the list opens, and after each return online, the changes other people made and every
 * resolution of a merge since this window last saw the feed, each resolution with its one-click action. While online
 * and the panel is closed, others' changes are seen as they arrive, and a resolution arriving opens the panel.
 */
export class ActivityPanel extends LitElement {
  private list: TaskList | null = null;
  private me = '';
  /** Offline (or just opened): what arrives on the next sync was made while this window was away. */
  private away = true;
  /** Whether the news was looked for since the list opened. */
  private checked = false;
  /** The list had never been synced to this device when it opened: its first download is not news. */
  private downloading = false;
  private open = false;
  /** The download's end is to be marked seen when the page is idle. */
  private seenPending = false;
  private items: ActivityEvent[] = [];
  private readonly cleanups: Array<() => void> = [];

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  /**
   * Follows `list` for the user named `me` (whose own changes are never news to them). `downloading`: the list had
   * never been synced to this device when the page opened it (by default, whether it has not been now).
   */
  follow(list: TaskList, me: string, downloading = list.status.firstSync): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.list = list;
    this.me = me;
    this.downloading = downloading;
    const onChange = () => this.refresh();
    const onStatus = (status: ListSyncStatus) => this.statusChanged(status);
    list.on('change', onChange);
    list.on('status', onStatus);
    this.cleanups.push(() => list.off('change', onChange), () => list.off('status', onStatus));
    // Working offline from the start: what the device holds already is the news.
    void list.documentsLoaded.then(() => this.statusChanged(list.status));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  private get seenKey(): string {
    return `${SEEN_KEY}${this.list?.id ?? ''}:${this.me}`;
  }

  private get seen(): number {
    return Number(localStorage.getItem(this.seenKey) ?? 0) || 0;
  }

  private statusChanged(status: ListSyncStatus): void {
    if (status.state === 'offline') {
      this.away = true;
      // Opened offline: what the device holds that this window has not seen is the news.
      if (!this.checked) this.show();
    } else if (status.state === 'synced' && this.away) {
      this.away = false;
      if (!this.downloading) return this.show();
      // Everything in a list this device just downloaded is new to it: listing every task's creation (a thousand items
      // for a big list, each rendered with its date) says nothing the list itself does not show.
      this.downloading = false;
      this.checked = true;
      // Reading the cursor derives the feed of every task downloaded: when the page is idle, not in the sync's turn
      // (what arrives until then is seen with the download).
      this.seenPending = true;
      whenIdle(() => {
        this.seenPending = false;
        this.markSeen();
      });
    }
  }

  private news(): ActivityEvent[] {
    const list = this.list;
    if (!list) return [];
    return list.activity({ since: this.seen }).filter((event) => isResolution(event) || event.by?.user !== this.me);
  }

  private show(): void {
    this.checked = true;
    this.items = this.news();
    this.open = this.items.length > 0;
    if (!this.open) this.markSeen();
    this.requestUpdate();
  }

  private refresh(): void {
    if (this.seenPending) return;
    if (this.open) {
      this.items = this.news();
      this.requestUpdate();
    } else if (!this.away) {
      // Online, others' changes are seen as they arrive; a resolution (someone else's offline edits arriving) is not.
      if (this.news().some(isResolution)) this.show();
      else this.markSeen();
    }
  }

  private markSeen(): void {
    if (this.list) localStorage.setItem(this.seenKey, String(this.list.activityCursor));
  }

  private dismiss(): void {
    this.markSeen();
    this.open = false;
    this.items = [];
    this.requestUpdate();
  }

  protected override render(): TemplateResult | typeof nothing {
    if (!this.open || !this.list) return nothing;
    return html`<section class="card activity-panel" data-testid="activity-panel" aria-labelledby="activity-heading">
      <div class="activity-head">
        <h2 id="activity-heading">While you were away</h2>
        <button type="button" class="button button--small" data-testid="activity-dismiss" @click=${() => this.dismiss()}>Got it</button>
      </div>
      <ul class="activity-list">
        ${this.items.map((event) => this.item(event, this.list!))}
      </ul>
    </section>`;
  }

  private item(event: ActivityEvent, list: TaskList): TemplateResult {
    return html`<li class="activity-item ${isResolution(event) ? 'is-resolution' : ''}" data-testid="activity-item" data-kind=${event.kind} data-task-id=${event.taskId}>
      <span class="activity-text">${describeEvent(event)}</span>
      <span class="activity-when muted">${when(event.at)}${event.by && !event.by.verified ? ' · unverified' : ''}</span>
      ${actions(event, list)}
    </li>`;
  }
}

function whenIdle(callback: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(callback, { timeout: 2_000 });
  else setTimeout(callback, 0);
}

/** The one-click action of a resolution, while it still applies. */
function actions(event: ActivityEvent, list: TaskList): TemplateResult | typeof nothing {
  const task = list.get(event.taskId);
  if (!task) return nothing;
  switch (event.kind) {
    case 'text-conflict':
      return html`<span class="activity-actions">
        ${event.alternatives.map(
          (alternative) =>
            html`<span class="task-alternative" data-testid="task-alternative">“${alternative.text}”</span>
              <button
                type="button"
                class="button button--small"
                data-testid="task-alternative-pick"
                aria-label="Use “${alternative.text}” as the ${event.field}"
                @click=${() => pick(list, event.taskId, event.field, alternative)}
              >
                Use this
              </button>`,
        )}
      </span>`;
    case 'deleted-unseen-change':
      return task.deleted
        ? html`<button type="button" class="button button--small" data-testid="activity-restore" @click=${() => list.restore(event.taskId)}>
            Restore${event.change === 'completed' ? ' (completed)' : ''}
          </button>`
        : nothing;
    case 'move-superseded':
      return !task.deleted && task.order !== event.lostOrder
        ? html`<button type="button" class="button button--small" data-testid="activity-move-back" @click=${() => list.moveToOrder(event.taskId, event.lostOrder)}>
            Move back
          </button>`
        : nothing;
    default:
      return nothing;
  }
}

/** Shows an alternative of a colliding text edit (by its id), or writes its text where it has none. */
function pick(list: TaskList, taskId: TaskId, field: 'title' | 'description', alternative: TextVersion): void {
  if (alternative.id !== undefined) list.pickAlternative(taskId, field, alternative.id);
  else list.update(taskId, { [field]: alternative.text });
}

/** One task's history, oldest first (shown with its details). */
export function taskHistory(list: TaskList, id: TaskId): TemplateResult {
  const events = list.activity({ taskId: id });
  return html`<details class="task-history" data-testid="task-history">
    <summary>History (${events.length})</summary>
    <ol>
      ${events.map((event) => html`<li data-kind=${event.kind}>${describeEvent(event)} <span class="muted">· ${when(event.at)}</span></li>`)}
    </ol>
    ${taskVersions(list, id)}
  </details>`;
}

customElements.define('activity-panel', ActivityPanel);

declare global {
  interface HTMLElementTagNameMap {
    'activity-panel': ActivityPanel;
  }
}
