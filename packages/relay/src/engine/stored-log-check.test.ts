import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { craftUpdate } from '../../test/support/crafted-updates.js';
import { FakeMember } from '../../test/support/fake-member.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import { RelayEngine } from './relay-engine.js';
import { checkStoredLog } from './stored-log-check.js';

function edits(clientID: number, texts: readonly string[]): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (const text of texts) doc.getText('t').insert(doc.getText('t').length, text);
  return updates;
}

describe('checkStoredLog', () => {
  it('keeps a clean log, and updates stored out of order that later ones complete', () => {
    const [a, b, c] = edits(7, ['a', 'b', 'c']) as [Uint8Array, Uint8Array, Uint8Array];
    expect(checkStoredLog([a, c, b])).toEqual(new Map());
  });

  it('finds corrupt updates by position and reason', () => {
    const log = [...edits(7, ['a', 'b']), craftUpdate({ deletes: [{ client: 7, ranges: [[0, 0]] }] }), Uint8Array.of(1, 2, 3)];
    expect(checkStoredLog(log)).toEqual(
      new Map([
        [2, 'empty_delete_range'],
        [3, 'undecodable'],
      ]),
    );
  });

  it("finds a stranger's structs ahead on someone's client id, once that person's own edits overtake them", () => {
    const honest = edits(42, ['s', 't', 'a', 'r', 't', '0', '1', '2', '3', '4']);
    const ahead = craftUpdate({ structs: [{ client: 42, clock: 3, items: [{ text: 'EVIL' }] }] });
    const log = [...honest.slice(0, 2), ahead, ...honest.slice(2)];
    expect(checkStoredLog(log)).toEqual(new Map([[2, 'conflicting_clocks']]));
  });

  it('finds updates that wait for clocks nobody wrote', () => {
    const log = [...edits(7, ['a']), craftUpdate({ structs: [{ client: 99, clock: 5, items: [{ text: 'x' }] }] })];
    expect(checkStoredLog(log)).toEqual(new Map([[1, 'unmet_dependency']]));
  });
});

describe('RelayEngine loading a poisoned log', () => {
  it('serves the document without the updates that would not apply, and moves them to the quarantine', async () => {
    const storage = new MemoryStorage();
    const honest = edits(7, ['he', 'llo']);
    const corrupt = craftUpdate({ structs: [{ client: 9, clock: 0, items: [{ text: 'x', origin: [9, 4] }] }] });
    await storage.appendUpdates([honest[0], corrupt, honest[1]].map((update) => ({ doc: 'd', update: update as Uint8Array })));
    const engine = new RelayEngine({ storage });
    const quarantined: string[] = [];
    engine.on('quarantined', (_doc, entries) => quarantined.push(...entries.map((entry) => entry.reason)));
    try {
      const view = await engine.join('d', new FakeMember());
      const fresh = new Y.Doc();
      fresh.on('update', () => undefined);
      Y.applyUpdate(fresh, view.sync(Uint8Array.of(0)).update);
      expect(fresh.getText('t').toString()).toBe('hello');
      expect(quarantined).toEqual(['self_reference']);
      expect(await storage.loadUpdates('d')).toEqual(honest);
      expect((await storage.listQuarantine('d')).map((entry) => entry.update)).toEqual([corrupt]);
    } finally {
      await engine.close();
    }
  });
});
