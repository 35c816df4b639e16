/** The lists this device opened, most recent first, in localStorage: the list switcher's "recent" entries. */

export interface RecentList {
  readonly id: string;
  /** The name last seen in the list document ('' before it arrived). */
  readonly name: string;
  readonly openedAt: number;
}

/** Also read by index.html's inline script, which paints the most recent list's first screen on the bare address. */
const KEY = 'concord:recent-lists';
const MAX_RECENT = 20;

export class RecentLists {
  constructor(private readonly storage: Storage) {}

  all(): RecentList[] {
    try {
      const value: unknown = JSON.parse(this.storage.getItem(KEY) ?? '[]');
      if (!Array.isArray(value)) return [];
      return value.filter((entry: unknown): entry is RecentList => {
        const candidate = entry as Partial<RecentList> | null;
        return typeof candidate?.id === 'string' && typeof candidate.name === 'string' && typeof candidate.openedAt === 'number';
      });
    } catch {
      return [];
    }
  }

  /** Puts `id` first (opened now), with its current name. */
  opened(id: string, name: string, now = Date.now()): void {
    this.write([{ id, name, openedAt: now }, ...this.all().filter((entry) => entry.id !== id)]);
  }

  /** Updates the name shown for `id`, keeping its place. */
  renamed(id: string, name: string): void {
    const all = this.all();
    if (all.some((entry) => entry.id === id && entry.name !== name)) this.write(all.map((entry) => (entry.id === id ? { ...entry, name } : entry)));
  }

  /** Forgets `id` on this device (leaving a list). */
  forget(id: string): void {
    this.write(this.all().filter((entry) => entry.id !== id));
  }

  private write(entries: readonly RecentList[]): void {
    this.storage.setItem(KEY, JSON.stringify(entries.slice(0, MAX_RECENT)));
  }
}
