import { describe, expect, it } from 'vitest';
import { packView } from './stored-view.js';
import { taskView } from './task-slot.js';

const fields = {
  title: 'Gouda',
  description: 'from the market',
  completed: true,
  createdAt: 1_764_900_000_000,
  updatedAt: 1_764_900_123_456,
  completedAt: 1_764_900_100_000,
  alternatives: { title: [{ id: '7-3', text: 'Brie', at: 1_764_900_120_000, by: 'bob' }] },
  due: '2026-12-24',
};

describe('a task view as a list snapshot stores it', () => {
  it('reads back every field but the authors (read from the document once it is applied)', () => {
    const stored = JSON.parse(JSON.stringify(packView({ ...fields, createdBy: { user: 'ann', verified: true } }))) as unknown;
    expect(taskView(stored)).toEqual(fields);
  });

  it('without a completion time or other fields', () => {
    const { completedAt: _at, alternatives: _alternatives, due: _due, ...plain } = fields;
    const stored = JSON.parse(JSON.stringify(packView({ ...plain, completed: false }))) as unknown;
    expect(stored).toHaveLength(6);
    expect(taskView(stored)).toEqual({ ...plain, completed: false });
  });

  it('costs about half the bytes of the same view as an object', () => {
    const asObject = JSON.stringify(fields).length;
    const { alternatives: _alternatives, ...plain } = fields;
    expect(JSON.stringify(packView(plain)).length).toBeLessThan((asObject - JSON.stringify(fields.alternatives).length) * 0.7);
  });

  it('still reads a view stored as an object, and no malformed one', () => {
    expect(taskView(JSON.parse(JSON.stringify(fields)))).toEqual(fields);
    expect(taskView(['Gouda', '', false, 'yesterday', 0, null])).toBeNull();
    expect(taskView(['Gouda', '', false, 1, 0, null, 'rest'])).toBeNull();
  });
});
