/**
 * How each person wants to be shown: the list document's `members` map holds, under each identity id, the name and
 * colour that person chose and the user ids their writes were attributed to (`users`: the token `sub` on a relay with
 * authentication, else the name they wrote under, so a rename adds one). Each entry is written only by its own
 * identity, and only once that person is an author of the list (core's `list.authors()`): it says who someone is,
 * never that they are a member.
 */
import type * as Y from 'yjs';
import type { TaskList } from '@concord/core';
import type { Identity } from '../identity/identity.js';

export interface Profile {
  /** The identity id (one per device, or per `?user=` tab identity). */
  readonly id: string;
  readonly name: string;
  readonly color: string;
  /** The user ids this identity's writes were attributed to. */
  readonly users: readonly string[];
}

/** The list document's map of profiles, by identity id. */
export class Profiles {
  private readonly map: Y.Map<unknown>;

  constructor(list: TaskList) {
    this.map = list.doc.getMap('members');
  }

  all(): Profile[] {
    const profiles: Profile[] = [];
    for (const [id, value] of this.map) {
      const entry = value as { name?: unknown; color?: unknown; users?: unknown } | null;
      if (typeof entry?.name !== 'string' || typeof entry.color !== 'string') continue;
      // Entries written before `users` existed came from pages that wrote under the person's name.
      const users = Array.isArray(entry.users) ? entry.users.filter((user): user is string => typeof user === 'string') : [entry.name];
      profiles.push({ id, name: entry.name, color: entry.color, users });
    }
    return profiles;
  }

  /** Records `identity` writing as `user`, unless the entry already says so; returns whether it wrote. */
  record(identity: Identity, user: string): boolean {
    const current = this.all().find((profile) => profile.id === identity.id);
    if (current && current.name === identity.name && current.color === identity.color && current.users.includes(user)) return false;
    const users = [...new Set([...(current?.users ?? []), user])].slice(-8);
    this.map.set(identity.id, { name: identity.name, color: identity.color, users });
    return true;
  }

  onChange(listener: () => void): () => void {
    this.map.observe(listener);
    return () => this.map.unobserve(listener);
  }
}
