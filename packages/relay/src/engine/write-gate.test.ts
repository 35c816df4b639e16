import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { ControlledStorage } from '../../test/support/controlled-storage.js';
import { craftUpdate } from '../../test/support/crafted-updates.js';
import { FakeMember } from '../../test/support/fake-member.js';
import { textReplica } from '../../test/support/text-replica.js';
import { waitFor } from '../../test/support/wait.js';
import { MERGE_FROM, RelayEngine } from './relay-engine.js';
import { decodeExact } from './update-screen.js';
import { HELD_TIMEOUT_MS, WriteGate, type GateRefusal } from './write-gate.js';

const engines: RelayEngine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

async function room(...members: FakeMember[]) {
  const storage = new ControlledStorage();
  const engine = new RelayEngine({ storage, idleUnloadMs: 60_000 });
  engines.push(engine);
  for (const member of members) await engine.join('d', member);
  const refusals: string[] = [];
  engine.on('updateRefused', (_doc, code, reason) => refusals.push(`${code}:${reason ?? ''}`));
  return { engine, storage, refusals };
}

const person = textReplica;

/** The write's error, or null once it succeeded (so a refusal that comes before the test looks is not unhandled). */
const settled = (write: Promise<unknown>): Promise<unknown> => write.then(() => null, (error: unknown) => error);

/** What a fresh receiver shows after applying `updates` in order, with an update listener as every provider has. */
function received(updates: readonly Uint8Array[]): string {
  const doc = new Y.Doc();
  doc.on('update', () => undefined);
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc.getText('t').toString();
}

describe('WriteGate in the engine: what is refused', () => {
  it.each([
    ['a zero-length delete range', craftUpdate({ deletes: [{ client: 7, ranges: [[0, 0]] }] }), 'empty_delete_range'],
    ['a struct whose origin is a later clock of its own client', craftUpdate({ structs: [{ client: 9, clock: 0, items: [{ text: 'x', origin: [9, 5] }] }] }), 'self_reference'],
    ['an empty struct', craftUpdate({ structs: [{ client: 9, clock: 0, items: [{ text: '' }] }] }), 'empty_struct'],
  ])('%s: ERR_CORRUPT_UPDATE, never stored or forwarded, the honest edits around it intact', async (_name, corrupt, reason) => {
    const [writer, reader, attacker] = [new FakeMember(), new FakeMember(), new FakeMember()];
    const { engine, storage, refusals } = await room(writer, reader, attacker);
    const honest = person(7);
    const sent = [honest.edit('a'), honest.edit('b')];
    // One turn: the honest edits and the corrupt update land in the same write batch.
    const writes = [engine.submitUpdate('d', writer, sent[0] as Uint8Array), engine.submitUpdate('d', attacker, corrupt), engine.submitUpdate('d', writer, sent[1] as Uint8Array)];
    const [first, refused, second] = await Promise.allSettled(writes);
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'ERR_CORRUPT_UPDATE', reason } });
    expect([first?.status, second?.status]).toEqual(['fulfilled', 'fulfilled']);
    expect(refusals).toEqual([`ERR_CORRUPT_UPDATE:${reason}`]);
    expect(await storage.inner.loadUpdates('d')).toEqual(sent);
    expect(received(reader.updates.map((u) => u.update))).toBe('ab');
  });

  it('never merges a refused update into the merged update members of a burst receive', async () => {
    const merged = Object.assign(new FakeMember(), { acceptsMergedUpdates: true });
    const [writer, attacker] = [new FakeMember(), new FakeMember()];
    const { engine } = await room(writer, attacker, merged);
    const honest = person(7);
    const corrupt = craftUpdate({ deletes: [{ client: 7, ranges: [[0, 0]] }] });
    const words = Array.from({ length: MERGE_FROM }, (_, i) => ` w${i}`);
    await Promise.allSettled([
      engine.submitUpdate('d', writer, honest.edit(words[0]!)),
      engine.submitUpdate('d', attacker, corrupt),
      ...words.slice(1).map((word) => engine.submitUpdate('d', writer, honest.edit(word))),
    ]);
    expect(merged.updates).toHaveLength(1);
    expect(received(merged.updates.map((u) => u.update))).toBe(words.join(''));
  });
});

describe('WriteGate in the engine: updates that depend on what the room lacks', () => {
  it("holds a writer's update that arrives before its predecessor, then stores both in order", async () => {
    const [writer, reader] = [new FakeMember(), new FakeMember()];
    const { engine, storage } = await room(writer, reader);
    const honest = person(7);
    const [first, second] = [honest.edit('a'), honest.edit('b')];
    const late = engine.submitUpdate('d', writer, second);
    await Promise.resolve();
    expect(engine.loadedDocuments).toEqual(['d']);
    expect(reader.updates).toHaveLength(0);
    await engine.submitUpdate('d', writer, first);
    await late;
    expect(await storage.inner.loadUpdates('d')).toEqual([first, second]);
    expect(received(reader.updates.map((u) => u.update))).toBe('ab');
  });

  it("refuses a gap on another person's client id once that person writes on: every one of their edits arrives", async () => {
    const [writer, reader, attacker] = [new FakeMember(), new FakeMember(), new FakeMember()];
    const { engine, storage, refusals } = await room(writer, reader, attacker);
    const honest = person(42);
    await engine.submitUpdate('d', writer, honest.edit('start '));
    // Five clocks ahead of the honest writer, on the honest writer's client id.
    const gap = settled(engine.submitUpdate('d', attacker, craftUpdate({ structs: [{ client: 42, clock: 11, items: [{ text: 'EVIL' }] }] })));
    const edits = Array.from({ length: 10 }, (_, i) => honest.edit(String(i)));
    for (const edit of edits) await engine.submitUpdate('d', writer, edit);
    expect(await gap).toMatchObject({ code: 'ERR_UNMET_DEPENDENCY', reason: 'gap_filled_by_another' });
    expect(refusals).toEqual(['ERR_UNMET_DEPENDENCY:gap_filled_by_another']);
    expect(received(reader.updates.map((u) => u.update))).toBe('start 0123456789');
    expect(received(await storage.inner.loadUpdates('d'))).toBe('start 0123456789');
  });

  it("holds a gap on a stranger's client id, never stores or forwards it, and refuses it when its writer leaves", async () => {
    const [writer, reader, attacker] = [new FakeMember(), new FakeMember(), new FakeMember()];
    const { engine, storage } = await room(writer, reader, attacker);
    const gap = settled(engine.submitUpdate('d', attacker, craftUpdate({ structs: [{ client: 5150, clock: 3, items: [{ text: 'zz' }] }] })));
    const honest = person(7);
    await engine.submitUpdate('d', writer, honest.edit('fine'));
    expect(reader.updates).toHaveLength(1);
    engine.leave('d', attacker);
    expect(await gap).toMatchObject({ code: 'ERR_UNMET_DEPENDENCY', reason: 'writer_left' });
    expect(await storage.inner.loadUpdates('d')).toEqual([reader.updates[0]?.update]);
  });

  it("holds a reference to another client's clock the room lacks until some writer supplies it", async () => {
    const [a, b, reader] = [new FakeMember(), new FakeMember(), new FakeMember()];
    const { engine } = await room(a, b, reader);
    const ann = person(1);
    const bob = person(2);
    const annEdit = ann.edit('Ann');
    Y.applyUpdate(bob.doc, annEdit);
    const bobEdit = bob.edit(' and Bob'); // its origin is Ann's last character
    const dependent = engine.submitUpdate('d', b, bobEdit);
    await engine.submitUpdate('d', a, annEdit);
    await dependent;
    expect(received(reader.updates.map((u) => u.update))).toBe('Ann and Bob');
  });
});

describe('WriteGate: limits on held updates', () => {
  it(`refuses a held update after ${HELD_TIMEOUT_MS / 1000} s`, () => {
    vi.useFakeTimers();
    try {
      const refused: GateRefusal[] = [];
      const gate = new WriteGate<string>(Uint8Array.of(0), {
        admit: () => undefined,
        refuse: (_w, reason) => refused.push(reason),
        mayFill: () => true,
        authorize: () => undefined,
        mayWrite: () => true,
      });
      const gap = craftUpdate({ structs: [{ client: 3, clock: 4, items: [{ text: 'x' }] }] });
      gate.submit(gap, decodeExact(gap) as NonNullable<ReturnType<typeof decodeExact>>, 'attacker');
      expect(gate.heldCount).toBe(1);
      vi.advanceTimersByTime(HELD_TIMEOUT_MS - 1);
      expect(refused).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(refused).toEqual(['held_timeout']);
      expect(gate.heldCount).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses past the held-update limit instead of growing', async () => {
    const [attacker] = [new FakeMember()];
    const { engine, refusals } = await room(attacker);
    const writes = Array.from({ length: 70 }, (_, i) =>
      settled(engine.submitUpdate('d', attacker, craftUpdate({ structs: [{ client: 100 + i, clock: 1, items: [{ text: 'x' }] }] }))),
    );
    await waitFor(() => refusals.length === 6, 'six refusals past the limit of 64');
    expect(new Set(refusals)).toEqual(new Set(['ERR_UNMET_DEPENDENCY:held_limit']));
    engine.leave('d', attacker);
    await Promise.all(writes);
  });
});

describe('WriteGate in the engine: client ids belong to their writer (authentication on)', () => {
  const as = (author: string) => Object.assign(new FakeMember(), { author });

  it("binds a client id to the first user who writes with it, stores the binding, and refuses it to anyone else", async () => {
    const [ann, mallory, reader] = [as('ann'), as('mallory'), new FakeMember()];
    const { engine, storage, refusals } = await room(ann, mallory, reader);
    const annReplica = person(7);
    await engine.submitUpdate('d', ann, annReplica.edit('mine'));
    expect(await storage.inner.loadClientBindings('d')).toEqual(new Map([[7, 'ann']]));
    // Mallory writes on under Ann's client id (right after Ann's text), and in a gap ahead of it.
    const forged = craftUpdate({ structs: [{ client: 7, clock: 4, items: [{ text: ' forged', origin: [7, 3] }] }] });
    expect(await settled(engine.submitUpdate('d', mallory, forged))).toMatchObject({ code: 'ERR_CLIENT_ID_TAKEN' });
    const ahead = craftUpdate({ structs: [{ client: 7, clock: 9, items: [{ text: 'x' }] }] });
    expect(await settled(engine.submitUpdate('d', mallory, ahead))).toMatchObject({ code: 'ERR_CLIENT_ID_TAKEN' });
    expect(refusals).toEqual(['ERR_CLIENT_ID_TAKEN:client_id_taken', 'ERR_CLIENT_ID_TAKEN:client_id_taken']);
    await engine.submitUpdate('d', ann, annReplica.edit(' still'));
    await engine.submitUpdate('d', mallory, person(8).edit('own id is fine'));
    expect(received(reader.updates.map((u) => u.update))).toBe('mine stillown id is fine');
    expect(await storage.inner.loadClientBindings('d')).toEqual(new Map([[7, 'ann'], [8, 'mallory']]));
  });

  it('keeps the bindings across a restart: a new engine on the same storage refuses the taken client id', async () => {
    const [ann] = [as('ann')];
    const { engine, storage } = await room(ann);
    const annReplica = person(7);
    await engine.submitUpdate('d', ann, annReplica.edit('a'));
    await engine.close();
    const restarted = new RelayEngine({ storage });
    engines.push(restarted);
    const mallory = as('mallory');
    await restarted.join('d', mallory);
    expect(await settled(restarted.submitUpdate('d', mallory, annReplica.edit('b')))).toMatchObject({ code: 'ERR_CLIENT_ID_TAKEN' });
  });

  it('binds nothing without authentication', async () => {
    const [a, b] = [new FakeMember(), new FakeMember()];
    const { engine, storage } = await room(a, b);
    const shared = person(7);
    await engine.submitUpdate('d', a, shared.edit('a'));
    await engine.submitUpdate('d', b, shared.edit('b'));
    expect(await storage.inner.loadClientBindings('d')).toEqual(new Map());
  });
});
