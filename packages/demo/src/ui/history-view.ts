import type { ListVersion, TaskId, TaskList, TaskVersion } from '@concord/core';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { when } from './activity-text.js';

/** Who wrote a version, for people: "Ada, Bob" (or "—" when the relay could not say). */
const who = (version: ListVersion) => (version.by.length > 0 ? version.by.join(', ') : '—');

/**
 * The list's history as the relay keeps it: a "History" button opens the versions (who and when), each with a Restore
 * that asks for confirmation and then brings the list and every task back to it (the relay does it, every window gets
 * it). Needs the connection: offline it says so.
 */
export class HistoryView extends LitElement {
  private list: TaskList | null = null;
  private open = false;
  private versions: readonly ListVersion[] | null = null;
  private message = '';

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  follow(list: TaskList): void {
    this.list = list;
    this.requestUpdate();
  }

  protected override render(): TemplateResult {
    return html`<section class="history">
      <button type="button" class="button button--small" data-testid="history-open" aria-expanded=${this.open ? 'true' : 'false'} @click=${() => this.toggle()}>
        History
      </button>
      ${this.open
        ? html`<div class="history-panel" data-testid="history-panel">
            ${this.message ? html`<p class="muted" role="status">${this.message}</p>` : nothing}
            ${this.versions === null
              ? html`<p class="muted">Loading versions…</p>`
              : html`<ol class="history-versions">
                  ${[...this.versions].reverse().map(
                    (version) => html`<li data-testid="history-version" data-at=${version.at}>
                      <span>${when(version.at)}</span> <span class="muted">· ${who(version)}</span>
                      <button type="button" class="button button--small" data-testid="history-restore" @click=${() => void this.restore(version)}>Restore</button>
                    </li>`,
                  )}
                </ol>`}
          </div>`
        : nothing}
    </section>`;
  }

  private toggle(): void {
    this.open = !this.open;
    this.message = '';
    if (this.open) void this.load();
    this.requestUpdate();
  }

  private async load(): Promise<void> {
    this.versions = null;
    try {
      this.versions = (await this.list?.versions()) ?? [];
    } catch (error) {
      this.versions = [];
      this.message = `History needs the relay: ${error instanceof Error ? error.message : String(error)}`;
    }
    this.requestUpdate();
  }

  private async restore(version: ListVersion): Promise<void> {
    if (!this.list || !confirm(`Restore the whole list to ${new Date(version.at).toLocaleString()}? Everyone will see it; tasks added since go to the trash.`)) return;
    try {
      const changed = await this.list.restoreTo(version.at);
      this.message = `Restored to ${when(version.at)} (${changed} ${changed === 1 ? 'document' : 'documents'} changed).`;
      await this.load();
    } catch (error) {
      this.message = `Could not restore: ${error instanceof Error ? error.message : String(error)}`;
      this.requestUpdate();
    }
  }
}

/** One task's versions (title, done), each with Restore: shown inside the task's history. */
export class TaskVersions extends LitElement {
  list: TaskList | null = null;
  taskId: TaskId | null = null;
  private versions: readonly TaskVersion[] | null = null;
  private message = '';

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  protected override render(): TemplateResult {
    if (this.message) return html`<p class="muted">${this.message}</p>`;
    if (this.versions === null) return html`<p class="muted">Loading versions…</p>`;
    // Rows, not list items: the task's history lists its events as items, and these are versions beside them.
    return html`<div class="task-versions" role="group" aria-label="Versions of this task">
      ${[...this.versions].reverse().map(
        (version) => html`<div data-testid="history-version" data-at=${version.at}>
          “${version.title}”${version.completed ? ' (done)' : ''} <span class="muted">· ${when(version.at)} · ${who(version)}</span>
          <button type="button" class="button button--small" data-testid="history-restore" @click=${() => void this.restore(version)}>Restore</button>
        </div>`,
      )}
    </div>`;
  }

  private async load(): Promise<void> {
    if (!this.list || !this.taskId) return;
    try {
      this.versions = await this.list.history(this.taskId);
    } catch {
      this.message = 'Versions need the relay.';
    }
    this.requestUpdate();
  }

  private async restore(version: TaskVersion): Promise<void> {
    if (!this.list || !this.taskId || !confirm(`Bring this task back to “${version.title}”?`)) return;
    await this.list.restoreVersion(this.taskId, version).catch((error: unknown) => {
      this.message = `Could not restore: ${error instanceof Error ? error.message : String(error)}`;
    });
    await this.load();
  }
}

/** A task's versions, for the task's history element. */
export function taskVersions(list: TaskList, id: TaskId): TemplateResult {
  return html`<task-versions .list=${list} .taskId=${id}></task-versions>`;
}

customElements.define('history-view', HistoryView);
customElements.define('task-versions', TaskVersions);

declare global {
  interface HTMLElementTagNameMap {
    'history-view': HistoryView;
    'task-versions': TaskVersions;
  }
}
