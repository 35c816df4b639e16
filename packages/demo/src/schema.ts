import { defineSchema, type Task, type TaskList } from '@concord/core';

/**
 * The demo's task fields: a due date, an assignee, tags and a priority. Version 2: version 1 is the demo before these
 * fields (`fixtures/schema-v1.html` still runs it, to show that older code keeps the new fields intact).
 */
export const demoSchema = defineSchema({
  version: 2,
  fields: {
    due: { type: 'date' },
    assignee: { type: 'user' },
    tags: { type: 'set', maxLength: 40 },
    priority: { type: 'enum', values: ['low', 'medium', 'high'] },
  },
});

export type DemoFields = typeof demoSchema.fields;
export type DemoTask = Task<DemoFields>;
export type DemoList = TaskList<DemoFields>;

export const PRIORITIES = demoSchema.fields.priority.values;
