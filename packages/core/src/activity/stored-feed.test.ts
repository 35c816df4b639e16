import { describe, expect, it } from 'vitest';
import type { TaskId } from '../model/ids.js';
import { changeId } from './diff.js';
import type { ActivityEvent } from './events.js';
import { decodeFeed, encodeFeed } from './stored-feed.js';

const ann = { user: 'ann', verified: true };
const bob = { user: 'bob', verified: false };
const task = (n: number) => `t${n}-0123456789abcdef` as TaskId;

function events(count: number): ActivityEvent[] {
  const out: ActivityEvent[] = [];
  for (let i = 0; i < count; i++) {
    const at = 1_764_900_000_000 + i * 1_000;
    const by = i % 3 === 0 ? null : i % 2 ? ann : bob;
    out.push({ id: changeId('renamed', task(i % 7), at, by), kind: 'renamed', taskId: task(i % 7), title: `Task ${i}`, at, seq: i + 1, by, from: `Task ${i - 1}`, to: `Task ${i}` });
  }
  out.push({
    id: 'conflict:1',
    kind: 'text-conflict',
    taskId: task(1),
    title: 'Brie',
    at: 1_764_900_500_000,
    seq: count + 1,
    by: bob,
    field: 'title',
    shown: { id: '7-3', text: 'Brie', by: bob, at: 1 },
    alternatives: [{ id: '9-2', text: 'Gouda', by: ann, at: 2 }],
  });
  return out;
}

describe('the stored activity cache', () => {
  it('reads back every event as it was written: kinds, tasks, authors (verified or not), times, own fields and ids', () => {
    const written = events(50);
    expect(decodeFeed(encodeFeed(written))).toEqual(written);
  });

  it('costs under half of the same events written as objects', () => {
    const written = events(500);
    const asObjects = new TextEncoder().encode(JSON.stringify(written)).byteLength;
    expect(encodeFeed(written).byteLength).toBeLessThan(asObjects / 2);
  });

  it('still reads a cache written as an array of event objects (ids that their fields give left out)', () => {
    const written = events(5);
    const old = written.map(({ id, ...event }) => (id === changeId(event.kind, event.taskId, event.at, event.by) ? event : { id, ...event }));
    const read = decodeFeed(new TextEncoder().encode(JSON.stringify(old)));
    // An id rebuilt from the fields names the author as unverified, as it always did.
    expect(read.map(({ id: _id, ...event }) => event)).toEqual(written.map(({ id: _id, ...event }) => event));
  });

  it('drops rows that do not fit and reads the rest', () => {
    const bytes = encodeFeed(events(3));
    const feed = JSON.parse(new TextDecoder().decode(bytes)) as { events: unknown[] };
    feed.events.splice(1, 0, 'not a row', [0, 0]);
    expect(decodeFeed(new TextEncoder().encode(JSON.stringify(feed)))).toHaveLength(4);
  });
});
