import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ControlledStorage } from '../../test/support/controlled-storage.js';
import { FakeMember } from '../../test/support/fake-member.js';
import { textReplica } from '../../test/support/text-replica.js';
import { RelayEngine } from './relay-engine.js';

const engines: RelayEngine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

/** What a replica shows after applying `updates` in order, as every Yjs provider does. */
function textOf(updates: readonly Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc.getText('t').toString();
}

/** Clocks 0–3 of client 7 with other content than the writer gave them: a bit-flipped copy, or a forgery. */
function repeatOfClocksHeld(): Uint8Array {
  const forger = textReplica(7);
  return forger.edit('wxyz');
}

describe('RelayEngine: an update that repeats clocks the room holds', () => {
  it('never changes what those clocks hold: live members, the stored log and a new reader agree, also within one batch', async () => {
    const storage = new ControlledStorage();
    const engine = new RelayEngine({ storage, idleUnloadMs: 60_000 });
    engines.push(engine);
    const writer = new FakeMember();
    const plain = new FakeMember();
    const merging = Object.assign(new FakeMember(), { acceptsMergedUpdates: true });
    for (const member of [writer, plain, merging]) await engine.join('d', member);
    const person = textReplica(7);
    await engine.submitUpdate('d', writer, person.edit('ab'));
    // The same batch: 'cd' takes clocks 2–3, then the repeat claims 0–3 with other content.
    await Promise.all([engine.submitUpdate('d', writer, person.edit('cd')), engine.submitUpdate('d', writer, repeatOfClocksHeld())]);
    // A later batch: the repeat alone.
    await engine.submitUpdate('d', writer, repeatOfClocksHeld());

    expect(textOf(plain.updates.map((u) => u.update))).toBe('abcd');
    expect(textOf(merging.updates.map((u) => u.update))).toBe('abcd');
    expect(textOf(await storage.inner.loadUpdates('d'))).toBe('abcd');
    const { update } = await engine.durableDiff('d', new Uint8Array([0]));
    expect(textOf([update])).toBe('abcd');
    // Nothing of the repeats was stored: they held no clock the room lacked.
    expect(await storage.inner.loadUpdates('d')).toHaveLength(2);
  });
});

/** `updates` (one client block each, empty delete sets) as one update with their blocks side by side. */
function blocksSideBySide(updates: readonly Uint8Array[]): Uint8Array {
  const blocks = updates.map((update) => update.subarray(1, update.length - 1));
  return Uint8Array.from([blocks.length, ...blocks.flatMap((block) => [...block]), 0]);
}

describe('RelayEngine: an update whose client appears in two blocks side by side', () => {
  it('is refused as corrupt, and the clocks it claimed are stored from the honest updates that carry them', async () => {
    const storage = new ControlledStorage();
    const engine = new RelayEngine({ storage, idleUnloadMs: 60_000 });
    engines.push(engine);
    const writer = new FakeMember();
    const reader = new FakeMember();
    for (const member of [writer, reader]) await engine.join('d', member);
    const person = textReplica(7);
    const [abc, def] = [person.edit('abc'), person.edit('def')] as [Uint8Array, Uint8Array];
    // Yjs decodes both blocks as one run of clocks 0-5, but applies only the last block (3-5, waiting for 0-2).
    const twoBlocks = blocksSideBySide([abc, def]);
    expect(textOf([twoBlocks])).toBe('');
    await expect(engine.submitUpdate('d', writer, twoBlocks)).rejects.toMatchObject({ code: 'ERR_CORRUPT_UPDATE' });
    // A block without structs after one with them: Yjs keeps the empty one.
    const emptyLast = Uint8Array.from([2, ...abc.subarray(1, abc.length - 1), 0, 7, 0, 0]);
    expect(textOf([emptyLast])).toBe('');
    await expect(engine.submitUpdate('d', writer, emptyLast)).rejects.toMatchObject({ code: 'ERR_CORRUPT_UPDATE' });

    await engine.submitUpdate('d', writer, abc);
    await engine.submitUpdate('d', writer, def);
    expect(textOf(reader.updates.map((u) => u.update))).toBe('abcdef');
    expect(textOf(await storage.inner.loadUpdates('d'))).toBe('abcdef');
  });
});
