import { describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../activity/events.js';
import type { TaskId } from '../model/ids.js';
import { listVersionsFromEvents, taskVersionsFromEvents } from './local-history.js';

const taskId = 't1' as TaskId;
let seq = 0;
const event = (at: number, user: string, change: Record<string, unknown>): ActivityEvent =>
  ({ id: `${seq}`, seq: ++seq, taskId, title: '', at, by: { user, verified: false }, ...change }) as ActivityEvent;

describe('the local record of history', () => {
  it('replays a task’s versions back from its fields now: one per change, one change of one time and person once', () => {
    const events = [
      event(10, 'ann', { kind: 'created' }),
      event(20, 'bob', { kind: 'renamed', from: 'Milk', to: 'Oat milk' }),
      event(20, 'bob', { kind: 'completed' }),
      event(25, 'bob', { kind: 'moved', from: 'a0', to: 'a1' }),
      event(30, 'ann', { kind: 'description-edited', from: '', to: '2 litres' }),
    ];
    const now = { title: 'Oat milk', description: '2 litres', completed: true };
    expect(taskVersionsFromEvents(events, now)).toEqual([
      { at: 10, by: ['ann'], title: 'Milk', description: '', completed: false },
      { at: 20, by: ['bob'], title: 'Oat milk', description: '', completed: true },
      { at: 30, by: ['ann'], title: 'Oat milk', description: '2 litres', completed: true },
    ]);
  });

  it('dates the state before the oldest kept event by the task’s creation when its creation is no longer kept', () => {
    const events = [event(50, 'bob', { kind: 'reopened' })];
    expect(taskVersionsFromEvents(events, { title: 'Tea', description: '', completed: false }, 5)).toEqual([
      { at: 5, by: [], title: 'Tea', description: '', completed: true },
      { at: 50, by: ['bob'], title: 'Tea', description: '', completed: false },
    ]);
  });

  it('lists the list’s points in time with who wrote then', () => {
    const events = [event(20, 'bob', { kind: 'completed' }), event(10, 'ann', { kind: 'created' }), event(20, 'ann', { kind: 'moved', from: 'a', to: 'b' })];
    expect(listVersionsFromEvents(events)).toEqual([
      { at: 10, by: ['ann'] },
      { at: 20, by: ['ann', 'bob'] },
    ]);
  });
});
