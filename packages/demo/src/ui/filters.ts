import type { Task, TaskList } from '@concord/core';
import { html, nothing, type TemplateResult } from 'lit';
import type { DemoList, DemoTask } from '../schema.js';

/** The header's filters: each narrows the list; all off shows every task. */
export interface FilterState {
  readonly mine: boolean;
  readonly overdue: boolean;
  /** Only tasks with this tag; null: any. */
  readonly tag: string | null;
}

export const NO_FILTER: FilterState = { mine: false, overdue: false, tag: null };

export function isFiltering(state: FilterState): boolean {
  return state.mine || state.overdue || state.tag !== null;
}

/** The tasks the filters select, in list order, through the list's own query (`list.tasks({ where })`). */
export function filteredTasks(plain: TaskList, state: FilterState, me: string, today: string): readonly Task[] {
  const list = plain as unknown as DemoList;
  const tasks = list.tasks({
    where: {
      ...(state.mine && { assignee: me }),
      ...(state.overdue && { due: { lt: today }, completed: false }),
      ...(state.tag !== null && { tags: state.tag }),
    },
  });
  return tasks;
}

/** Every tag on the list's tasks, sorted: the choices of the tag filter. */
export function allTags(tasks: readonly Task[]): string[] {
  const tags = new Set<string>();
  for (const task of tasks as unknown as readonly DemoTask[]) for (const tag of task.tags ?? []) tags.add(tag);
  return [...tags].sort();
}

/**
 * The people a task can be assigned to. Until the list has a members record of its own: everyone seen on it (people
 * here now, who created, changed or completed a task, who is assigned) and this person.
 */
export function members(tasks: readonly Task[], present: readonly string[], me: string): string[] {
  const names = new Set<string>([me, ...present]);
  for (const task of tasks as unknown as readonly DemoTask[]) {
    for (const name of [task.createdBy?.user, task.updatedBy?.user, task.completedBy?.user, task.assignee]) if (name) names.add(name);
  }
  return [...names].sort((a, b) => a.localeCompare(b));
}

/** Mine, overdue and by-tag filters for the list's header. */
export function filterBar(state: FilterState, tags: readonly string[], shown: number, total: number, set: (state: FilterState) => void): TemplateResult {
  return html`<div class="filters" role="group" aria-label="Filter tasks">
    <button type="button" class="chip-toggle" data-testid="filter-mine" aria-pressed=${state.mine ? 'true' : 'false'} @click=${() => set({ ...state, mine: !state.mine })}>
      Mine
    </button>
    <button
      type="button"
      class="chip-toggle"
      data-testid="filter-overdue"
      aria-pressed=${state.overdue ? 'true' : 'false'}
      @click=${() => set({ ...state, overdue: !state.overdue })}
    >
      Overdue
    </button>
    <label class="filter-tag">
      <span class="visually-hidden">Tag</span>
      <select data-testid="filter-tag" @change=${(event: Event) => set({ ...state, tag: (event.target as HTMLSelectElement).value || null })}>
        <option value="" ?selected=${state.tag === null}>All tags</option>
        ${[...new Set([...tags, ...(state.tag ? [state.tag] : [])])].map((tag) => html`<option value=${tag} ?selected=${tag === state.tag}>#${tag}</option>`)}
      </select>
    </label>
    ${isFiltering(state) ? html`<span class="muted filter-count" data-testid="filter-count">${shown} of ${total}</span>` : nothing}
  </div>`;
}

/** Says that someone opened the list with a newer version of the app, whose fields this page keeps but cannot show. */
export function newerVersionNotice(list: TaskList): TemplateResult | typeof nothing {
  const { newer, highestSeen } = list.schema;
  if (!newer) return nothing;
  return html`<p class="notice" role="status" data-testid="schema-newer">
    This list was written by a newer version of the app (version ${highestSeen}). Everything is kept;
    <a href="" @click=${() => location.reload()}>reload</a> to see all of it.
  </p>`;
}
