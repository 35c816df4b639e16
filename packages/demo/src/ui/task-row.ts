import type { Peer, Task, TaskId, TaskList } from '@concord/core';
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { initials } from '../config.js';
import { KEYS_HINT_ID } from '../keyboard/roving-rows.js';
import { bindText } from './bind-text.js';
import { laterViews } from './later-views.js';
import { isOverdue, taskFields, type FieldsContext } from './task-fields.js';

/** What a row needs from the page around it. */
export interface RowContext {
  readonly list: TaskList;
  readonly expanded: ReadonlySet<TaskId>;
  /** Other people editing each task. */
  readonly editors: ReadonlyMap<TaskId, readonly Peer[]>;
  toggleExpanded(id: TaskId): void;
  remove(id: TaskId): void;
  /** Moves a task one place up (-1) or down (+1), keeping focus where it was. */
  step(id: TaskId, by: -1 | 1, focused: Element | null): void;
  /** Keys in a title that act on the list (Enter: a new task below; Backspace in an empty title: delete it). */
  titleKeyDown(event: KeyboardEvent, task: Task): void;
  /** A touch screen: no keyboard hints. */
  readonly touch: boolean;
  /** The app's task fields (due, assignee, priority, tags); null when the list's schema has none. */
  readonly fields: FieldsContext | null;
}

export function label(task: Pick<Task, 'title'>): string {
  return task.title.trim() || 'Untitled task';
}

/**
 * One task: handle, checkbox, collaborative title (a text area that wraps long titles), editors, details and delete;
 * the description when expanded; the task fields unless `withFields` is false (a big list adds them when idle). The
 * page keeps only the active row's title in the Tab order (roving-rows.ts): every control renders out of it.
 */
export function taskRow(task: Task, index: number, count: number, ctx: RowContext, withFields = true): TemplateResult {
  const name = label(task);
  const expanded = ctx.expanded.has(task.id);
  const editors = ctx.editors.get(task.id) ?? [];
  const detailsId = `details-${task.id}`;
  const onKeyDown = (event: KeyboardEvent) => {
    const handleFocused = (event.target as Element).classList.contains('handle');
    if ((event.altKey || handleFocused) && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      event.preventDefault();
      ctx.step(task.id, event.key === 'ArrowUp' ? -1 : 1, event.target as Element);
    }
  };
  return html`<li
    class="task ${task.completed ? 'is-done' : ''} ${editors.length ? 'is-edited' : ''} ${ctx.fields && isOverdue(task, ctx.fields.today) ? 'is-overdue' : ''}"
    data-testid="task"
    data-task-id=${task.id}
    style=${editors.length ? `--editor-color: ${editors[0]!.user.color}` : nothing}
    @keydown=${onKeyDown}
  >
    <div class="task-main">
      <button
        tabindex="-1"
        type="button"
        class="icon-button handle"
        data-testid="task-handle"
        aria-label="Reorder “${name}”, position ${index + 1} of ${count}.${ctx.touch ? ' Drag to move.' : ' Drag, or press Arrow Up or Down.'}"
        title=${ctx.touch ? 'Drag to reorder' : 'Drag to reorder (or Alt+↑/↓)'}
      >
        <span class="icon icon-grip" aria-hidden="true"></span>
      </button>
      <input
        tabindex="-1"
        type="checkbox"
        class="toggle"
        data-testid="task-toggle"
        aria-label="Done: ${name}"
        .checked=${live(task.completed)}
        @change=${(event: Event) => ctx.list.update(task.id, { completed: (event.target as HTMLInputElement).checked })}
      />
      <textarea
        tabindex="-1"
        class="title"
        data-testid="task-title"
        rows="1"
        aria-label="Title of task ${index + 1}"
        aria-describedby=${ctx.touch ? nothing : KEYS_HINT_ID}
        placeholder="Untitled task"
        autocomplete="off"
        spellcheck="false"
        ${bindText(ctx.list, task.id, 'title', task.title)}
        @keydown=${(event: KeyboardEvent) => ctx.titleKeyDown(event, task)}
      ></textarea>
      ${editors.length
        ? html`<span class="editors" data-testid="task-editors">
            ${editors.map(
              (peer) =>
                html`<span class="avatar avatar--small" style="background:${peer.user.color}" title="${peer.user.name} is editing"
                  >${initials(peer.user.name)}<span class="visually-hidden"> ${peer.user.name} is editing</span></span
                >`,
            )}
          </span>`
        : nothing}
      <button
        tabindex="-1"
        type="button"
        class="icon-button expand ${task.description ? 'has-notes' : ''}"
        data-testid="task-expand"
        aria-expanded=${expanded ? 'true' : 'false'}
        aria-controls=${detailsId}
        aria-label="Description of “${name}”${task.description ? ' (has notes)' : ''}"
        title="Description"
        @click=${() => ctx.toggleExpanded(task.id)}
      >
        <span class="icon icon-notes" aria-hidden="true"></span>
      </button>
      <button
        tabindex="-1"
        type="button"
        class="icon-button delete"
        data-testid="task-delete"
        aria-label="Delete “${name}”"
        title="Delete"
        @click=${() => ctx.remove(task.id)}
      >
        <span class="icon icon-trash" aria-hidden="true"></span>
      </button>
    </div>
    ${ctx.fields && withFields ? taskFields(task, ctx.fields) : nothing}
    ${expanded
      ? html`<div class="task-details" id=${detailsId}>
          <label class="field-label" for="desc-${task.id}">Description</label>
          <textarea
            tabindex="-1"
            id="desc-${task.id}"
            data-testid="task-description"
            rows="3"
            placeholder="Add details…"
            ${bindText(ctx.list, task.id, 'description', task.description)}
          ></textarea>
          ${laterViews()?.taskHistory(ctx.list, task.id) ?? nothing}
        </div>`
      : nothing}
  </li>`;
}
