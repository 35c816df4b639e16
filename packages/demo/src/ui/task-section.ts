import type { ListSyncStatus, Task } from '@concord/core';
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { KEYS_HINT_ID } from '../keyboard/roving-rows.js';
import { emptyList } from './panels.js';
import { taskRow, type RowContext } from './task-row.js';

const COLLAPSED_KEY = 'concord:completed-collapsed';

/** Whether the Completed section is open on this device (open unless someone collapsed it). */
export function completedOpenPref(local: Storage): boolean {
  return local.getItem(COLLAPSED_KEY) !== '1';
}

export function rememberCompletedOpen(local: Storage, open: boolean): void {
  local.setItem(COLLAPSED_KEY, open ? '0' : '1');
}

/** What the tasks section needs besides the rows' context. */
export interface SectionContext {
  /** What goes first in the region (the filters, a notice). */
  readonly header: TemplateResult;
  /** Every live task, filtered out or not. */
  readonly all: number;
  readonly open: readonly Task[];
  readonly completed: readonly Task[];
  readonly status: ListSyncStatus;
  /** The rows to render of a list (a big list renders in chunks). */
  visible(tasks: readonly Task[]): readonly Task[];
  /** Whether the row at `position` in the page (open rows, then completed ones) shows its task fields yet. */
  fieldsShown(position: number): boolean;
  readonly completedOpen: boolean;
  setCompletedOpen(open: boolean): void;
  /** Adds a task titled `title` at the end. */
  create(title: string): void;
  clearCompleted(): void;
}

function submitNewTask(event: Event, section: SectionContext): void {
  event.preventDefault();
  const input = (event.target as HTMLFormElement).querySelector<HTMLInputElement>('#new-task');
  const title = input?.value.trim();
  if (!input || !title) return;
  section.create(title);
  input.value = '';
}

/**
 * The main region: the new-task field, open tasks in list order, then the collapsible "Completed (n)" section with
 * "Clear completed". A completed task keeps its place in the list order, so reopening it puts it back where it was.
 */
export function taskSection(section: SectionContext, rows: RowContext): TemplateResult {
  const { open, completed } = section;
  const total = section.all;
  const visibleOpen = section.visible(open);
  const visibleDone = visibleOpen.length < open.length ? [] : section.visible(completed);
  return html`<main class="card" aria-labelledby="tasks-heading">
    <h2 id="tasks-heading" class="visually-hidden" tabindex="-1">Tasks</h2>
    ${section.header}
    <form class="new-task" @submit=${(event: Event) => submitNewTask(event, section)}>
      <label class="visually-hidden" for="new-task">New task</label>
      <input id="new-task" data-testid="new-task-input" placeholder="Add a task and press Enter" autocomplete="off" maxlength="500" />
      <button type="submit" class="button button--primary">Add</button>
    </form>
    <ul class="tasks" aria-label="Open tasks" data-testid="task-list">
      ${repeat(visibleOpen, (task) => task.id, (task, index) => taskRow(task, index, open.length, rows, section.fieldsShown(index)))}
    </ul>
    ${total === 0 ? emptyList(section.status) : open.length === 0 && completed.length > 0 ? html`<p class="empty muted" data-testid="all-done">All done.</p>` : nothing}
    ${completed.length > 0
      ? html`<details
          class="completed"
          data-testid="completed-section"
          ?open=${section.completedOpen}
          @toggle=${(event: Event) => section.setCompletedOpen((event.target as HTMLDetailsElement).open)}
        >
          <summary><span>Completed (${completed.length})</span></summary>
          <div class="completed-actions">
            <button type="button" class="button button--small" data-testid="clear-completed" @click=${() => section.clearCompleted()}>
              Clear completed<span class="visually-hidden"> tasks (${completed.length}), to the trash</span>
            </button>
          </div>
          <ul class="tasks tasks--done" aria-label="Completed tasks">
            ${repeat(visibleDone, (task) => task.id, (task, index) =>
              taskRow(task, index, completed.length, rows, section.fieldsShown(visibleOpen.length + index)),
            )}
          </ul>
        </details>`
      : nothing}
    ${rows.touch
      ? nothing
      : html`<p class="hint muted" aria-hidden="true">
            Tab enters and leaves the list · ↑/↓ move between tasks · ←/→ move between a task's controls · Esc back to the title ·
            Enter adds a task below · Alt+↑/↓ moves the task
          </p>
          <p class="visually-hidden" id=${KEYS_HINT_ID} data-testid="task-keys-hint">
            The tasks are one Tab stop: Tab leaves the list. Arrow Up and Down move between tasks, Arrow Left and Right
            between a task's controls, Control Home and End to the first and last task, Escape back to the title. Enter
            in a title adds a task below it, Backspace in an empty title deletes it, Alt with Arrow Up or Down moves it.
          </p>`}
  </main>`;
}
