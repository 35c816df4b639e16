import { describe, expect, it } from 'vitest';
import { isValidId, newListId } from './ids.js';

describe('newListId', () => {
  it('makes a readable slug of the name and 12 random characters, a valid id that differs on every call', () => {
    const id = newListId('Weekend trip — Crème brûlée!');
    expect(id).toMatch(/^weekend-trip-creme-brulee-[a-z2-9]{12}$/);
    expect(isValidId(id)).toBe(true);
    expect(newListId('Weekend trip')).not.toBe(newListId('Weekend trip'));
  });

  it('falls back to "list" for a name with nothing to slug, and keeps a long name to 40 characters', () => {
    expect(newListId('!!!')).toMatch(/^list-[a-z2-9]{12}$/);
    expect(newListId()).toMatch(/^list-[a-z2-9]{12}$/);
    expect(newListId(`${'a'.repeat(39)} b`)).toMatch(new RegExp(`^${'a'.repeat(39)}-[a-z2-9]{12}$`));
  });
});
