import type { ListSyncStatus, Peer, SyncStatus, Task, TaskId } from '@concord/core';
import { html, nothing, type TemplateResult } from 'lit';
import { initials } from '../config.js';
import type { AccessProblem } from '../lists/list-access.js';
import type { DisplayedStatus } from './status-display.js';
import { label } from './task-row.js';

const STATE_HINT: Record<SyncStatus['state'], string> = {
  offline: 'Changes are kept on this device and sent when you are back online.',
  connecting: 'Reaching the relay…',
  syncing: 'Exchanging changes with the relay…',
  synced: 'The relay holds every change.',
};

/** "2 tasks not yet saved": each task counted once; other list changes (a purge) as changes. */
function unsavedLabel(status: ListSyncStatus): string {
  const count = status.pendingChanges;
  if (status.unsavedTasks === count) return count === 1 ? 'task not yet saved' : 'tasks not yet saved';
  return count === 1 ? 'change not yet saved' : 'changes not yet saved';
}

/** The sync indicator: state word (lowercase: tests and people read the same text), unsaved tasks, progress. */
export function syncStatus(status: ListSyncStatus, unreachable: boolean, access: AccessProblem | null = null): TemplateResult {
  const last = status.lastSyncedAt ? new Date(status.lastSyncedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : null;
  const tasksTotal = status.progress.documentsTotal - 1;
  const tasksSynced = Math.min(tasksTotal, Math.max(0, status.progress.documentsSynced - 1));
  return html`<div class="sync" title=${STATE_HINT[status.state]}>
    <span class="sync-dot sync-dot--${status.state}" aria-hidden="true"></span>
    <span class="sync-state" data-testid="sync-status" data-state=${status.state}>${status.state}</span>
    <span class="sync-pending ${status.pendingChanges > 0 ? 'has-pending' : ''}"
      ><span data-testid="pending-count">${status.pendingChanges}</span> ${unsavedLabel(status)}</span
    >
    ${status.state === 'syncing' && status.firstSync && tasksTotal > 0
      ? html`<span class="sync-progress" data-testid="sync-progress"
          >· Downloading ${thousands(tasksSynced)} of ${thousands(tasksTotal)} tasks</span
        >`
      : nothing}
    ${last ? html`<span class="sync-last">· last synced ${last}</span>` : nothing}
  </div>
  ${unreachable && access
    ? html`<p class="sync-problem" role="status" data-testid="access-needed" data-reason=${access}>
        ${access === 'expired'
          ? 'Your link to this list has expired: ask whoever shared it for a new one.'
          : 'This relay lets in only people with a link to a list: open it from a share link.'}
        Your changes are kept on this device.
      </p>`
    : unreachable
    ? html`<p class="sync-problem" role="status" data-testid="relay-unreachable">
        Can't reach the relay. Retrying… Your changes are kept on this device.
      </p>`
    : nothing}`;
}

/**
 * "1,000", as `toLocaleString('en')` writes it, without calling it: its first call in a page sets up the number
 * formatter, 20-80 ms in headless Chromium, paid inside the first frames of a list being downloaded.
 */
function thousands(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The connection region: sync status, "local only" without a relay, and what being offline means. */
export function statusSection(shown: DisplayedStatus, localOnly: boolean, workOffline: boolean, access: AccessProblem | null = null): TemplateResult {
  return html`<section class="statusbar" aria-label="Connection">
    ${syncStatus(shown.status, shown.unreachable, access)}${localOnly ? html`<span class="muted">local only</span>` : nothing}
    ${connectionNote(shown.status.state, workOffline)}
  </section>`;
}

/**
 * What being offline means, in words that tell a lost network ("Offline — no connection") from a choice ("Working
 * offline"), and what happens to edits in each case.
 */
export function connectionNote(state: SyncStatus['state'], workOffline: boolean): TemplateResult | typeof nothing {
  if (state !== 'offline') return nothing;
  return workOffline
    ? html`<p class="connection-note" data-testid="connection-note" data-reason="chosen">
        <strong>Working offline.</strong> You switched the connection off: your edits are kept on this device and sent when you switch it back on.
      </p>`
    : html`<p class="connection-note" data-testid="connection-note" data-reason="network">
        <strong>Offline — no connection.</strong> Your edits are kept on this device and sent as soon as the connection is back.
      </p>`;
}

/** What an empty list says: a list this device never synced is not an empty list. */
export function emptyList(status: ListSyncStatus): TemplateResult {
  if (!status.firstSync) return html`<p class="empty muted" data-testid="empty">No tasks yet. Add one above.</p>`;
  if (status.state === 'offline') {
    return html`<p class="empty muted" data-testid="not-downloaded">
      This list hasn't been downloaded to this device yet. It will load when you are online.
    </p>`;
  }
  return html`<p class="empty muted" data-testid="list-loading">Loading this list…</p>`;
}

/** Who is here. While offline, only yourself: others' presence would be stale. */
export function presenceBar(peers: readonly Peer[], offline: boolean, tasks: readonly Task[], onRename: (name: string) => void): TemplateResult {
  // Only the tasks someone edits: a thousand-row list must not cost a map of every title per render.
  const titleOf = (id: TaskId): string | undefined => {
    const task = tasks.find((candidate) => candidate.id === id);
    return task && label(task);
  };
  const shown = offline ? peers.filter((peer) => peer.self) : peers;
  const others = shown.filter((peer) => !peer.self).length;
  return html`<section class="presence" aria-label="People on this list" data-testid="presence">
    <ul class="peers">
      ${shown.map(
        (peer) => html`<li class="peer ${peer.self ? 'is-self' : ''}" data-testid="peer">
          <span class="avatar" style="background:${peer.user.color}" aria-hidden="true">${initials(peer.user.name)}</span>
          ${peer.self
            ? html`<label class="visually-hidden" for="your-name">Your name</label>
                <input
                  id="your-name"
                  class="name-input"
                  data-testid="user-name"
                  .value=${peer.user.name}
                  size=${Math.max(6, Math.min(24, peer.user.name.length + 1))}
                  maxlength="40"
                  autocomplete="nickname"
                  @change=${(event: Event) => onRename((event.target as HTMLInputElement).value)}
                /><span class="peer-note">(you)</span>`
            : html`<span class="peer-name">${peer.user.name}</span>`}
          ${!peer.self && peer.editing && titleOf(peer.editing.taskId) !== undefined
            ? html`<span class="peer-note">editing “${titleOf(peer.editing.taskId)}”</span>`
            : nothing}
        </li>`,
      )}
    </ul>
    <p class="presence-summary">
      ${offline ? 'Others show once you are connected again.' : others === 0 ? 'Nobody else online right now.' : `${others} other${others > 1 ? 's' : ''} online.`}
    </p>
  </section>`;
}

export function trashPanel(trash: readonly Task[], restore: (id: TaskId) => void, purge: (id: TaskId) => void): TemplateResult {
  return html`<details class="panel trash" data-testid="trash">
    <summary data-testid="trash-toggle">Trash <span class="count">${trash.length}</span></summary>
    ${trash.length === 0
      ? html`<p class="muted">Deleted tasks land here; restore them any time.</p>`
      : html`<ul class="trash-list">
          ${trash.map(
            (task) => html`<li class="trash-item" data-testid="trash-item" data-task-id=${task.id}>
              <span class="trash-title ${task.completed ? 'is-done' : ''}">${label(task)}</span>
              <span class="muted trash-meta">deleted by ${task.deleted?.by || 'someone'}</span>
              <span class="trash-actions">
                <button type="button" class="button button--small" data-testid="task-restore" @click=${() => restore(task.id)}>
                  Restore<span class="visually-hidden"> “${label(task)}”</span>
                </button>
                <button type="button" class="button button--small button--danger" data-testid="task-purge" @click=${() => purge(task.id)}>
                  Delete forever<span class="visually-hidden"> “${label(task)}”</span>
                </button>
              </span>
            </li>`,
          )}
        </ul>`}
  </details>`;
}
