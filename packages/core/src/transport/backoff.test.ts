import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

describe('Backoff (full jitter)', () => {
  it('draws each delay uniformly under a ceiling that doubles from base up to cap', () => {
    let r = 0.999_999;
    const backoff = new Backoff({ baseMs: 500, capMs: 30_000, random: () => r });
    const highs = Array.from({ length: 10 }, () => backoff.next());
    expect(highs).toEqual([499, 999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999, 29_999]);
    backoff.reset();
    r = 0;
    expect(Array.from({ length: 5 }, () => backoff.next())).toEqual([0, 0, 0, 0, 0]);
  });

  it('stays within [0, min(cap, base·2^n)] for any random value, including after very many attempts', () => {
    const backoff = new Backoff({ baseMs: 100, capMs: 5_000, random: Math.random });
    for (let n = 0; n < 2_000; n++) {
      const ceiling = Math.min(5_000, 100 * 2 ** n);
      const delay = backoff.next();
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(ceiling);
      expect(Number.isFinite(delay)).toBe(true);
    }
  });

  it('reset starts over from base', () => {
    const backoff = new Backoff({ baseMs: 500, capMs: 30_000, random: () => 0.5 });
    for (let i = 0; i < 8; i++) backoff.next();
    expect(backoff.attempt).toBe(8);
    backoff.reset();
    expect(backoff.attempt).toBe(0);
    expect(backoff.next()).toBe(250);
  });

  it('widens the window to a minimum ceiling (relay going away), still bounded by cap', () => {
    const backoff = new Backoff({ baseMs: 500, capMs: 3_000, random: () => 0.5 });
    expect(backoff.next(2_000)).toBe(1_000);
    expect(backoff.next(10_000)).toBe(1_500);
  });

  it('spreads a crowd: 200 clients draw distinct delays across the window', () => {
    const delays = Array.from({ length: 200 }, () => new Backoff({ baseMs: 1_000, capMs: 30_000, random: Math.random }).next());
    const spread = Math.max(...delays) - Math.min(...delays);
    expect(spread).toBeGreaterThan(800);
    expect(new Set(delays).size).toBeGreaterThan(150);
  });
});
