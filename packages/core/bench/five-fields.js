// The five declared fields the core benchmarks give every task: a date, a user, a set, an enum and a number.
import { defineSchema } from '../dist/index.js';

export const fiveFields = defineSchema({
  fields: {
    due: { type: 'date' },
    assignee: { type: 'user' },
    tags: { type: 'set' },
    priority: { type: 'enum', values: ['low', 'medium', 'high'] },
    estimate: { type: 'number' },
  },
});
