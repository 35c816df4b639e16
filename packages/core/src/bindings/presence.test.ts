import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { asTaskId } from '../model/ids.js';
import { parsePresence, Presence, presenceColor } from './presence.js';

/** Two clients whose awareness states reach each other at once, as through a relay. */
function pair() {
  const a = new Awareness(new Y.Doc());
  const b = new Awareness(new Y.Doc());
  const relay = (from: Awareness, to: Awareness) => ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) =>
    applyAwarenessUpdate(to, encodeAwarenessUpdate(from, [...added, ...updated, ...removed]), 'remote');
  a.on('update', relay(a, b));
  b.on('update', relay(b, a));
  return { a, b };
}

describe('Presence', () => {
  it('shows who is on the list and who edits which task and field', () => {
    const { a, b } = pair();
    const ada = new Presence(a);
    const bo = new Presence(b);
    ada.setUser({ name: 'Ada', color: '#1d4ed8' });
    bo.setUser({ name: 'Bo' });
    const task = asTaskId('t1');
    bo.setEditing({ taskId: task, field: 'description' });

    expect(ada.peers()).toEqual([
      { clientId: a.clientID, self: true, user: { name: 'Ada', color: '#1d4ed8' }, editing: null },
      { clientId: b.clientID, self: false, user: { name: 'Bo', color: presenceColor('Bo') }, editing: { taskId: task, field: 'description' } },
    ]);
    expect(ada.editorsByTask().get(task)?.map((peer) => peer.user.name)).toEqual(['Bo']);
    expect(bo.editorsByTask().size).toBe(0); // yourself is never among the others editing

    bo.leave();
    expect(ada.peers().map((peer) => peer.user.name)).toEqual(['Ada']);
  });

  it('sends nothing when the same field is published again', () => {
    const { a } = pair();
    const presence = new Presence(a);
    presence.setUser({ name: 'Ada' });
    let updates = 0;
    a.on('change', () => updates++);
    presence.setEditing({ taskId: asTaskId('t1'), field: 'title' });
    presence.setEditing({ taskId: asTaskId('t1'), field: 'title' });
    expect(updates).toBe(1);
    presence.setEditing({ taskId: asTaskId('t1'), field: 'description' });
    expect(updates).toBe(2);
  });

  it('skips states outside the schema and repairs what it can', () => {
    const { a, b } = pair();
    const ada = new Presence(a);
    ada.setUser({ name: 'Ada' });
    b.setLocalState({ user: { name: 42 } }); // a client with a bad state
    expect(ada.peers().map((peer) => peer.user.name)).toEqual(['Ada']);
    b.setLocalState({ user: { name: `  ${'x'.repeat(60)}`, color: 'red; background: url(x)' }, editing: { taskId: 't', field: 'completed' } });
    const other = ada.peers().find((peer) => !peer.self)!;
    expect(other.user).toEqual({ name: 'x'.repeat(40), color: presenceColor('x'.repeat(40)) });
    expect(other.editing).toBeNull();
    expect(parsePresence(null)).toBeNull();
    expect(() => ada.setUser({ name: '   ' })).toThrow(TypeError);
  });
});
