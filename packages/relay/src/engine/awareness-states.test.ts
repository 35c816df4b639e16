import { describe, expect, it } from 'vitest';
import { AwarenessLimitError, AwarenessStates, decodeAwarenessUpdate, encodeAwarenessUpdate } from './awareness-states.js';

const limits = { maxStateBytes: 100, maxStatesPerOwner: 2 };
const state = (clientID: number, clock: number, value: unknown) => encodeAwarenessUpdate([{ clientID, clock, state: JSON.stringify(value) }]);

describe('AwarenessStates limits', () => {
  it('refuses a state over the size limit, measured in UTF-8 bytes, and keeps nothing of its update', () => {
    const states = new AwarenessStates();
    const owner = {};
    expect(() => states.apply(state(1, 1, { name: 'é'.repeat(60) }), owner, limits)).toThrow(AwarenessLimitError);
    expect(states.snapshot()).toBeNull();
    expect(states.apply(state(1, 1, { name: 'é'.repeat(30) }), owner, limits)).not.toBeNull();
  });

  it("refuses a connection's third live state; updates of its own states, removals and other connections go on", () => {
    const states = new AwarenessStates();
    const [mine, theirs] = [{}, {}];
    states.apply(state(1, 1, 'a'), mine, limits);
    states.apply(state(2, 1, 'b'), mine, limits);
    expect(() => states.apply(state(3, 1, 'c'), mine, limits)).toThrow(expect.objectContaining({ reason: 'too_many_states' }));
    expect(states.apply(state(2, 2, 'b2'), mine, limits)).not.toBeNull();
    expect(states.apply(state(3, 1, 'c'), theirs, limits)).not.toBeNull();
    expect(states.apply(encodeAwarenessUpdate([{ clientID: 2, clock: 3, state: 'null' }]), mine, limits)).not.toBeNull();
    expect(states.apply(state(4, 1, 'd'), mine, limits)).not.toBeNull(); // room again after the removal
    expect(decodeAwarenessUpdate(states.snapshot() as Uint8Array).map((entry) => entry.clientID).sort()).toEqual([1, 3, 4]);
  });
});
