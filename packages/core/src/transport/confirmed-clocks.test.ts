import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ConfirmedClocks } from './confirmed-clocks.js';

function docWithText(text: string, clientID = 1): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  doc.getText('title').insert(0, text);
  return doc;
}

describe('ConfirmedClocks', () => {
  it('a document with changes beyond the confirmed clocks is pending until they are raised', () => {
    const clocks = new ConfirmedClocks();
    const doc = docWithText('hello');
    clocks.track('a');
    expect(clocks.evaluate('a', doc)).toBe(true);
    expect(clocks.pendingCount).toBe(1);
    expect(clocks.raise('a', new Map([[1, 3]]))).toBe(true);
    expect(clocks.evaluate('a', doc)).toBe(false);
    expect(clocks.pendingCount).toBe(1);
    clocks.raise('a', Y.decodeStateVector(Y.encodeStateVector(doc)));
    expect(clocks.evaluate('a', doc)).toBe(true);
    expect(clocks.pendingCount).toBe(0);
  });

  it('starts from persisted confirmed clocks, so the count survives a reload', () => {
    const doc = docWithText('saved');
    const persisted = Y.encodeStateVector(doc);
    const clocks = new ConfirmedClocks();
    clocks.track('a', persisted);
    clocks.evaluate('a', doc);
    expect(clocks.pendingCount).toBe(0);
    doc.getText('title').insert(0, '!');
    clocks.evaluate('a', doc);
    expect(clocks.pendingCount).toBe(1);
    expect(clocks.isPending('a')).toBe(true);
  });

  it('never lowers confirmed clocks and ignores undecodable persisted bytes', () => {
    const clocks = new ConfirmedClocks();
    clocks.track('a', new Uint8Array([0xff, 0xff]));
    expect(clocks.raise('a', new Map([[1, 10]]))).toBe(true);
    expect(clocks.raise('a', new Map([[1, 4]]))).toBe(false);
    expect(Y.decodeStateVector(clocks.encoded('a')!)).toEqual(new Map([[1, 10]]));
  });

  it('an unacknowledged update keeps a document pending even when it advanced no clock (a deletion)', () => {
    const doc = docWithText('abc');
    const clocks = new ConfirmedClocks();
    clocks.track('a', Y.encodeStateVector(doc));
    clocks.evaluate('a', doc);
    doc.getText('title').delete(0, 1);
    clocks.sent('a');
    clocks.evaluate('a', doc);
    expect(clocks.pendingCount).toBe(1);
    clocks.settled('a');
    clocks.evaluate('a', doc);
    expect(clocks.pendingCount).toBe(0);
  });

  it('clearInFlight forgets a dead connection’s frames and names just those documents', () => {
    const clocks = new ConfirmedClocks();
    const doc = new Y.Doc();
    for (const name of ['a', 'b', 'c']) clocks.track(name);
    clocks.sent('a');
    clocks.sent('a');
    clocks.sent('b');
    clocks.settled('b');
    clocks.evaluate('a', doc);
    expect(clocks.pendingCount).toBe(1);
    expect(clocks.clearInFlight()).toEqual(['a']);
    clocks.evaluate('a', doc);
    expect(clocks.pendingCount).toBe(0);
  });

  it('untrack removes a pending document from the count', () => {
    const clocks = new ConfirmedClocks();
    clocks.track('a');
    clocks.evaluate('a', docWithText('x'));
    expect(clocks.pendingCount).toBe(1);
    clocks.untrack('a');
    expect(clocks.pendingCount).toBe(0);
    expect(clocks.has('a')).toBe(false);
  });
});
