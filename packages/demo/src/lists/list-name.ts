import type { TaskList } from '@concord/core';
import type * as Y from 'yjs';

/** Longest list name kept. */
export const MAX_LIST_NAME = 80;

/**
 * A list's human name, kept in the list document itself (`meta` map, key `name`) so that a rename made anywhere
 * reaches everyone on the list and merges like any other edit (last writer wins). Ids are never typed by people.
 */
export class ListName {
  private readonly meta: Y.Map<unknown>;

  constructor(private readonly list: TaskList) {
    this.meta = list.doc.getMap('meta');
  }

  /** The name, or '' while none is known (a list created before names, or not downloaded yet). */
  get value(): string {
    const name = this.meta.get('name');
    return typeof name === 'string' ? name : '';
  }

  /** Sets the name; returns false for a blank name (nothing changes). */
  set(name: string): boolean {
    const cleaned = name.trim().slice(0, MAX_LIST_NAME);
    if (!cleaned) return false;
    if (cleaned !== this.value) this.meta.set('name', cleaned);
    return true;
  }

  /** Calls `listener` when the name changes, here or remotely; returns the function that stops it. */
  onChange(listener: (name: string) => void): () => void {
    const observer = () => listener(this.value);
    this.meta.observe(observer);
    return () => this.meta.unobserve(observer);
  }

  /** What to show: the name, or the list id as a fallback. */
  display(): string {
    return this.value || this.list.id;
  }
}

/** A new list id from a human name: a readable slug and a random suffix, so two "Groceries" lists never collide. */
export function newListId(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  const suffix = Array.from(crypto.getRandomValues(new Uint8Array(6)), (byte) => 'abcdefghijkmnpqrstuvwxyz23456789'[byte % 32]).join('');
  return slug ? `${slug}-${suffix}` : `list-${suffix}`;
}
