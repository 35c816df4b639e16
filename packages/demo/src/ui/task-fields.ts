import type { Task, TaskList } from '@concord/core';
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { PRIORITIES, type DemoList, type DemoTask } from '../schema.js';

/** What the fields row needs: the list (typed by the demo's schema), who may be assigned, and today. */
export interface FieldsContext {
  readonly list: DemoList;
  /** The list's members, for the assignee picker. */
  readonly members: readonly string[];
  /** Today, `YYYY-MM-DD` in the person's time zone: a task due before it is overdue. */
  readonly today: string;
  /** A change was refused (a value that does not fit): shown to the person, nothing written. */
  readonly refused: (error: unknown) => void;
}

/** Today as a calendar date in the local time zone (a due date is a day, not an instant). */
export function localToday(now = new Date()): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function isOverdue(task: Pick<DemoTask, 'due' | 'completed'>, today: string): boolean {
  return task.due !== undefined && task.due < today && !task.completed;
}

/** Due date, assignee, priority and tag chips of one task, editable in place (stacked on a phone). */
export function taskFields(plain: Task, ctx: FieldsContext): TemplateResult {
  const task = plain as unknown as DemoTask;
  const { list } = ctx;
  const change = (patch: Parameters<DemoList['update']>[1]) => {
    try {
      list.update(task.id, patch);
    } catch (error) {
      ctx.refused(error);
    }
  };
  const overdue = isOverdue(task, ctx.today);
  const members = task.assignee && !ctx.members.includes(task.assignee) ? [...ctx.members, task.assignee] : ctx.members;
  const addTag = (input: HTMLInputElement) => {
    const tag = input.value.trim().toLowerCase();
    input.value = '';
    if (tag) change({ tags: { add: [tag] } });
  };
  return html`<div class="task-fields">
    <label class="field ${overdue ? 'is-overdue' : ''}">
      <span class="field-name">Due${overdue ? html` <strong class="overdue-badge">overdue</strong>` : nothing}</span>
      <input
        tabindex="-1"
        type="date"
        data-testid="task-due"
        data-overdue=${overdue ? 'true' : 'false'}
        aria-label="Due date${overdue ? ' (overdue)' : ''}"
        .value=${live(task.due ?? '')}
        @change=${(event: Event) => change({ due: (event.target as HTMLInputElement).value || null })}
      />
    </label>
    <label class="field">
      <span class="field-name">Assignee</span>
      <select
        tabindex="-1"
        data-testid="task-assignee"
        aria-label="Assignee"
        @change=${(event: Event) => change({ assignee: (event.target as HTMLSelectElement).value || null })}
      >
        <option value="" ?selected=${!task.assignee}>Nobody</option>
        ${members.map((member) => html`<option value=${member} ?selected=${member === task.assignee}>${member}</option>`)}
      </select>
    </label>
    <label class="field">
      <span class="field-name">Priority</span>
      <select
        tabindex="-1"
        data-testid="task-priority"
        data-priority=${task.priority ?? ''}
        aria-label="Priority"
        @change=${(event: Event) => change({ priority: ((event.target as HTMLSelectElement).value || null) as DemoTask['priority'] | null })}
      >
        <option value="" ?selected=${!task.priority}>None</option>
        ${PRIORITIES.map((priority) => html`<option value=${priority} ?selected=${priority === task.priority}>${priority}</option>`)}
      </select>
    </label>
    <div class="field field--tags">
      <span class="field-name" id="tags-${task.id}">Tags</span>
      <ul class="tags" data-testid="task-tags" aria-labelledby="tags-${task.id}">
        ${task.tags.map(
          (tag) => html`<li class="tag" data-testid="task-tag" data-tag=${tag}>
            <span>${tag}</span>
            <button tabindex="-1" type="button" class="tag-remove" aria-label="Remove tag ${tag}" @click=${() => change({ tags: { remove: [tag] } })}>×</button>
          </li>`,
        )}
        <li class="tag-add">
          <input
            tabindex="-1"
            data-testid="task-tag-input"
            aria-label="Add a tag"
            placeholder="+ tag"
            maxlength="40"
            autocomplete="off"
            @keydown=${(event: KeyboardEvent) => {
              if (event.key !== 'Enter') return;
              event.preventDefault();
              addTag(event.target as HTMLInputElement);
            }}
            @blur=${(event: FocusEvent) => addTag(event.target as HTMLInputElement)}
          />
        </li>
      </ul>
    </div>
  </div>`;
}

/** Whether a list's schema has the demo's fields (the version 1 fixture page has none: it shows no fields row). */
export function hasDemoFields(list: TaskList): boolean {
  return list.schema.version >= 2;
}
