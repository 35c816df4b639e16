import type { TaskList } from '@concord/core';
import type * as Y from 'yjs';

/** Longest list name kept. */
export const MAX_LIST_NAME = 80;

/**
 * A list's human name, kept in the list document itself (`meta` map, key `name`) so that a rename made anywhere
 * reaches everyone on the list and merges like any other edit (last writer wins). Ids are never typed by people.
 */
export class ListName {
  /** The list document's `meta` map, once followed (after the list's documents are loaded, or on a rename). */
  private meta: Y.Map<unknown> | null = null;
  private readonly listeners = new Set<(name: string) => void>();
  private destroyed = false;

  /**
   * `remembered`: the name this device last saw (its recent lists), shown until the list document is read. Reading
   * the map applies the list document from storage: on opening, the page is shown from the list's stored view first.
   */
  constructor(
    private readonly list: TaskList,
    private readonly remembered = '',
  ) {
    const follow = () => {
      if (this.destroyed || this.meta) return;
      const before = this.value;
      this.followed();
      if (this.value !== before) for (const listener of this.listeners) listener(this.value);
    };
    void list.documentsLoaded.then(follow, follow);
  }

  /** The name, or '' while none is known (a list created before names, or not downloaded yet). */
  get value(): string {
    if (!this.meta) return this.remembered;
    const name = this.meta.get('name');
    return typeof name === 'string' ? name : '';
  }

  /** Sets the name; returns false for a blank name (nothing changes). */
  set(name: string): boolean {
    const cleaned = name.trim().slice(0, MAX_LIST_NAME);
    if (!cleaned) return false;
    const meta = this.followed();
    if (cleaned !== this.value) meta.set('name', cleaned);
    return true;
  }

  /** Calls `listener` when the name changes, here or remotely; returns the function that stops it. */
  onChange(listener: (name: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops following the list document. */
  destroy(): void {
    this.destroyed = true;
    this.listeners.clear();
    this.stop?.();
  }

  private stop: (() => void) | null = null;

  private followed(): Y.Map<unknown> {
    if (this.meta) return this.meta;
    const meta = this.list.doc.getMap('meta');
    const observer = () => {
      for (const listener of this.listeners) listener(this.value);
    };
    meta.observe(observer);
    this.stop = () => meta.unobserve(observer);
    this.meta = meta;
    return meta;
  }

  /** What to show: the name, or the list id as a fallback. */
  display(): string {
    return this.value || this.list.id;
  }
}

