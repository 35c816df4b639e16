import type { Peer, Task, TaskList } from '@concord/core';
import { html, nothing, type TemplateResult } from 'lit';
import { allTags, filterBar, filteredTasks, isFiltering, members, newerVersionNotice, type FilterState } from './filters.js';
import { hasDemoFields, localToday, type FieldsContext } from './task-fields.js';

/** The rows' task fields (null when the list's schema has none), the tasks the filters let through, and the bar. */
export interface FilteredView {
  readonly fields: FieldsContext | null;
  readonly shown: readonly Task[];
  readonly header: TemplateResult;
}

export function filteredView(
  list: TaskList,
  tasks: readonly Task[],
  peers: readonly Peer[],
  me: string,
  filters: FilterState,
  setFilters: (filters: FilterState) => void,
  showError: (message: string) => void,
): FilteredView {
  const fields: FieldsContext | null = hasDemoFields(list)
    ? { list: list as never, members: members(tasks, peers.map((peer) => peer.user.name), me), today: localToday(), refused: (error) => showError(String((error as Error).message)) }
    : null;
  const shown = fields && isFiltering(filters) ? filteredTasks(list, filters, me, fields.today) : tasks;
  const bar = fields ? filterBar(filters, allTags(tasks), shown.length, tasks.length, setFilters) : nothing;
  return { fields, shown, header: html`${newerVersionNotice(list)}${bar}` };
}
