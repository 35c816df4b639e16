import { editText, readRecords } from '@concord/core/model';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { expiredCheckpoints, snapshotOfUpdate, type Checkpoint } from './checkpoint.js';
import { RESTORE_USER, restoreUpdate } from './restore.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A document as the relay stores it: every update it received, and checkpoints taken between them. */
class StoredDoc {
  readonly updates: Uint8Array[] = [];
  readonly checkpoints: Checkpoint[] = [];
  constructor(readonly doc: Y.Doc) {
    doc.on('update', (update: Uint8Array) => this.updates.push(update));
  }
  checkpoint(at: number): void {
    this.checkpoints.push({ at, snapshot: snapshotOfUpdate(Y.mergeUpdates(this.updates)), by: [] });
  }
  /** A replica that applies what the relay holds, then `restored`. */
  replicaWith(restored: Uint8Array | null): Y.Doc {
    const replica = new Y.Doc();
    Y.applyUpdate(replica, Y.mergeUpdates(this.updates));
    if (restored) Y.applyUpdate(replica, restored);
    return replica;
  }
}

function writer(clientID: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  return doc;
}

describe('restoreUpdate', () => {
  it('brings a list back after a wipe: entries deleted and purged return, entries created since go to the trash', () => {
    const ann = writer(1);
    const stored = new StoredDoc(ann);
    const tasks = ann.getMap<Y.Map<unknown>>('tasks');
    for (const [id, order] of [['a', 'a0'], ['b', 'a1'], ['c', 'a2']] as const) {
      const entry = new Y.Map<unknown>();
      entry.set('order', order);
      tasks.set(id, entry);
    }
    stored.checkpoint(1_000);
    // Bob's script: deletes a, purges b, adds d.
    const bob = writer(2);
    Y.applyUpdate(bob, Y.mergeUpdates(stored.updates));
    bob.on('update', (update: Uint8Array) => Y.applyUpdate(ann, update));
    const bobTasks = bob.getMap<Y.Map<unknown>>('tasks');
    bobTasks.get('a')!.set('deletedAt', 5);
    bobTasks.get('a')!.set('deletedBy', 'bob');
    bobTasks.delete('b');
    const d = new Y.Map<unknown>();
    d.set('order', 'a3');
    bobTasks.set('d', d);
    stored.checkpoint(2_000);

    const update = restoreUpdate({ updates: stored.updates, checkpoints: stored.checkpoints, isList: true, now: 9_000 }, 1_500);
    const after = stored.replicaWith(update).getMap<Y.Map<unknown>>('tasks').toJSON();
    expect(after).toEqual({
      a: { order: 'a0' },
      b: { order: 'a1' },
      c: { order: 'a2' },
      d: { order: 'a3', deletedAt: 9_000, deletedBy: RESTORE_USER },
    });
  });

  it('restores a text by the smallest splice, so an offline edit made after the restore point merges with it', () => {
    const ann = writer(1);
    const stored = new StoredDoc(ann);
    ann.getText('title').insert(0, 'Buy milk');
    stored.checkpoint(1_000);
    const offline = writer(3);
    Y.applyUpdate(offline, Y.mergeUpdates(stored.updates));
    ann.getText('title').delete(0, 8);
    ann.getText('title').insert(0, 'garbage');
    const update = restoreUpdate({ updates: stored.updates, checkpoints: stored.checkpoints, isList: false, now: 0 }, 1_000);
    expect(stored.replicaWith(update).getText('title').toString()).toBe('Buy milk');
    // An offline replica appended " today" meanwhile: after both, everyone has the restored text with it.
    offline.getText('title').insert(8, ' today');
    const merged = stored.replicaWith(update);
    Y.applyUpdate(merged, Y.encodeStateAsUpdate(offline));
    expect(merged.getText('title').toString()).toBe('Buy milk today');
  });

  it('with only one user, reverts their insertions and values and keeps everyone else’s', () => {
    const ann = writer(1);
    const stored = new StoredDoc(ann);
    ann.getText('title').insert(0, 'Milk');
    ann.getMap('fields').set('completed', false);
    stored.checkpoint(1_000);
    const bob = writer(2);
    Y.applyUpdate(bob, Y.mergeUpdates(stored.updates));
    bob.on('update', (update: Uint8Array) => Y.applyUpdate(ann, update));
    bob.getText('title').insert(4, ' SPAM');
    bob.getMap('fields').set('completed', true);
    ann.getText('title').insert(0, 'Oat ');
    const update = restoreUpdate(
      { updates: stored.updates, checkpoints: stored.checkpoints, isList: false, now: 0, onlyClients: new Set([2]) },
      1_000,
    );
    const after = stored.replicaWith(update);
    expect(after.getText('title').toString()).toBe('Oat Milk');
    expect(after.getMap('fields').get('completed')).toBe(false);
  });

  it('with only one user, brings back the text they deleted (a wipe) and keeps what another typed meanwhile', () => {
    const ann = writer(1);
    const stored = new StoredDoc(ann);
    editText(ann, 'title', 'Buy milk', { userId: 'ann', now: 1 });
    editText(ann, 'description', 'From the shop', { userId: 'ann', now: 2 });
    stored.checkpoint(1_000);
    // Bob wipes both fields while Ann, who has not seen it yet, types on.
    const bob = writer(2);
    Y.applyUpdate(bob, Y.mergeUpdates(stored.updates));
    editText(bob, 'title', '', { userId: 'bob', now: 3 });
    editText(bob, 'description', 'spam', { userId: 'bob', now: 3 });
    editText(ann, 'title', 'Buy oat milk', { userId: 'ann', now: 4 });
    Y.applyUpdate(ann, Y.encodeStateAsUpdate(bob));
    expect(ann.getText('title').toString()).toBe('oat ');
    const update = restoreUpdate(
      { updates: stored.updates, checkpoints: stored.checkpoints, isList: false, now: 0, onlyClients: new Set([2]) },
      1_000,
    );
    const after = stored.replicaWith(update);
    expect(after.getText('title').toString()).toBe('Buy oat milk');
    expect(after.getText('description').toString()).toBe('From the shop');
  });

  it('takes back neither the claims of who wrote since nor the record of restores, and drops the edit records since', () => {
    const ann = writer(1);
    const stored = new StoredDoc(ann);
    ann.getMap('authors').set('1', 'ann');
    editText(ann, 'title', 'Milk', { userId: 'ann', now: 1 });
    stored.checkpoint(1_000);
    const bob = writer(2);
    Y.applyUpdate(bob, Y.mergeUpdates(stored.updates));
    bob.on('update', (update: Uint8Array) => Y.applyUpdate(ann, update));
    bob.getMap('authors').set('2', 'bob');
    editText(bob, 'title', 'Oat milk', { userId: 'bob', now: 2 });
    bob.getArray('restores').push([{ at: 5, to: 1, only: '', changed: 1 }]);
    const update = restoreUpdate({ updates: stored.updates, checkpoints: stored.checkpoints, isList: false, now: 0 }, 1_000);
    const after = stored.replicaWith(update);
    expect(after.getText('title').toString()).toBe('Milk');
    expect(after.getMap('authors').toJSON()).toEqual({ 1: 'ann', 2: 'bob' });
    expect(after.getArray('restores').length).toBe(1);
    expect(readRecords(after).map((record) => record.client)).toEqual([1]);
  });

  it('changes nothing for a document unchanged since, or with no checkpoint that old', () => {
    const stored = new StoredDoc(writer(1));
    stored.doc.getText('title').insert(0, 'x');
    stored.checkpoint(1_000);
    expect(restoreUpdate({ updates: stored.updates, checkpoints: stored.checkpoints, isList: false, now: 0 }, 2_000)).toBeNull();
    expect(restoreUpdate({ updates: stored.updates, checkpoints: stored.checkpoints, isList: false, now: 0 }, 500)).toBeNull();
  });
});

describe('checkpoint retention', () => {
  it('keeps every checkpoint of the last hour, the last of each hour for 7 days and of each day for 90, nothing older', () => {
    const now = 200 * DAY;
    const ats = [
      now - 10 * 60_000, // the last hour: both kept
      now - 5 * 60_000,
      now - 3 * HOUR - 10 * 60_000, // an earlier hour: two, the later kept
      now - 3 * HOUR - 5 * 60_000,
      now - 8 * DAY - 2 * HOUR, // one day past the hourly week: two that day, the later kept
      now - 8 * DAY - HOUR,
      now - 91 * DAY, // past 90 days
    ];
    expect(expiredCheckpoints(ats, now).sort()).toEqual([now - 3 * HOUR - 10 * 60_000, now - 8 * DAY - 2 * HOUR, now - 91 * DAY].sort());
  });
});
