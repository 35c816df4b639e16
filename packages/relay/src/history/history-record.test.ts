import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { snapshotOfUpdate, type Checkpoint } from './checkpoint.js';
import { decodeHistory, encodeHistory } from './history-record.js';

describe('a document’s history record', () => {
  it('round-trips checkpoints encoded against each other, in a fraction of their full size', () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    const checkpoints: Checkpoint[] = [];
    for (let i = 0; i < 40; i++) {
      doc.clientID = 100 + (i % 3);
      const title = doc.getText('title');
      if (i % 4 === 3) title.delete(0, Math.min(2, title.length));
      title.insert(title.length, `edit ${i} `);
      doc.getMap('fields').set('completed', i % 2 === 0);
      checkpoints.push({ at: 1_000_000 + i * 3_600_000, snapshot: snapshotOfUpdate(Y.mergeUpdates(updates)), by: [`user${i % 3}`] });
    }
    const record = encodeHistory(checkpoints);
    const decoded = decodeHistory(record);
    expect(decoded.map(({ at, by }) => ({ at, by }))).toEqual(checkpoints.map(({ at, by }) => ({ at, by })));
    decoded.forEach((checkpoint, i) => expect(Y.equalSnapshots(Y.decodeSnapshot(checkpoint.snapshot), Y.decodeSnapshot(checkpoints[i]!.snapshot))).toBe(true));
    const whole = checkpoints.reduce((sum, checkpoint) => sum + checkpoint.snapshot.byteLength, 0);
    expect(record.byteLength).toBeLessThan(whole / 2);
  });

  it('stores whole a checkpoint that is not a growth of the one before', () => {
    const a = new Y.Doc();
    a.clientID = 1;
    a.getText('t').insert(0, 'abc');
    a.getText('t').delete(0, 2);
    const b = new Y.Doc();
    b.clientID = 1;
    b.getText('t').insert(0, 'abc');
    const checkpoints = [
      { at: 10, snapshot: Y.encodeSnapshot(Y.snapshot(a)), by: [] },
      { at: 20, snapshot: Y.encodeSnapshot(Y.snapshot(b)), by: ['ann'] },
    ];
    const decoded = decodeHistory(encodeHistory(checkpoints));
    expect(decoded.map((checkpoint) => Y.decodeSnapshot(checkpoint.snapshot).ds.clients.size)).toEqual([1, 0]);
  });
});
