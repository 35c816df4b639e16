import type { TaskId, TaskList } from '@concord/core';
import { colorFor, type User } from './config.js';

type Awareness = TaskList['awareness'];

/** What each client publishes in the list's awareness. */
export interface PresenceState {
  readonly user: User;
  readonly editing: TaskId | null;
}

export interface Peer extends PresenceState {
  readonly clientId: number;
  readonly self: boolean;
}

/** Presence over the list document's awareness: who is here, and who edits which task. */
export class Presence {
  constructor(private readonly awareness: Awareness) {}

  setUser(user: User): void {
    this.awareness.setLocalStateField('user', user);
  }

  setEditing(taskId: TaskId | null): void {
    const current = (this.awareness.getLocalState() as Partial<PresenceState> | null)?.editing ?? null;
    if (current !== taskId) this.awareness.setLocalStateField('editing', taskId);
  }

  /** Everyone known, yourself first, then by name. Malformed states from other clients are skipped. */
  peers(): Peer[] {
    const peers: Peer[] = [];
    for (const [clientId, state] of this.awareness.getStates()) {
      const parsed = parseState(state);
      if (parsed) peers.push({ ...parsed, clientId, self: clientId === this.awareness.clientID });
    }
    return peers.sort((a, b) => Number(b.self) - Number(a.self) || a.user.name.localeCompare(b.user.name));
  }

  onChange(listener: () => void): () => void {
    this.awareness.on('change', listener);
    return () => this.awareness.off('change', listener);
  }
}

/**
 * Publishes which task this window edits: the one whose title or description has focus inside `root`
 * (rows carry `data-task-id`). Returns the function that stops tracking.
 */
export function trackEditing(root: HTMLElement, presence: Presence): () => void {
  const update = () => {
    const active = root.ownerDocument.activeElement;
    const row = active?.closest<HTMLElement>('[data-task-id]');
    const editing = row && active?.matches('.title, textarea') ? (row.dataset.taskId as TaskId) : null;
    presence.setEditing(editing);
  };
  const onFocusOut = () => queueMicrotask(update);
  root.addEventListener('focusin', update);
  root.addEventListener('focusout', onFocusOut);
  return () => {
    root.removeEventListener('focusin', update);
    root.removeEventListener('focusout', onFocusOut);
  };
}

function parseState(state: unknown): PresenceState | null {
  if (typeof state !== 'object' || state === null) return null;
  const { user, editing } = state as { user?: unknown; editing?: unknown };
  if (typeof user !== 'object' || user === null) return null;
  const { name, color } = user as { name?: unknown; color?: unknown };
  if (typeof name !== 'string' || !name) return null;
  const safeColor = typeof color === 'string' && /^#[0-9a-f]{6}$/i.test(color) ? color : colorFor(name);
  return { user: { name: name.slice(0, 40), color: safeColor }, editing: typeof editing === 'string' ? (editing as TaskId) : null };
}
