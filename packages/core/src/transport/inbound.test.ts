import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { toBytes } from './inbound.js';

describe('toBytes', () => {
  it('reads an ArrayBuffer from another realm (an iframe, jsdom, Electron) as well as one from this realm', () => {
    const foreign = runInNewContext('const b = new ArrayBuffer(3); new Uint8Array(b).set([1, 2, 3]); b') as unknown;
    expect(foreign instanceof ArrayBuffer).toBe(false);
    expect([...toBytes(foreign)!]).toEqual([1, 2, 3]);
    expect([...toBytes(Uint8Array.of(4, 5).buffer)!]).toEqual([4, 5]);
    expect([...toBytes(Uint8Array.of(0, 6, 7).subarray(1))!]).toEqual([6, 7]);
  });

  it('refuses a text frame', () => {
    expect(toBytes('hello')).toBeNull();
  });
});
