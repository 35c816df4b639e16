import type { Awareness } from 'y-protocols/awareness';
import type { TaskId } from '../model/ids.js';
import type { TaskTextField } from './text-input.js';

/**
 * The awareness schema: what each client publishes in its list's `awareness` (y-protocols), so that every app on the
 * list, whatever its UI, reads the others the same way:
 *
 * ```ts
 * { user: { name: string; color: string }, editing: { taskId: string; field: 'title' | 'description' } | null }
 * ```
 *
 * `name` is 1 to 40 characters, `color` a `#rrggbb` colour (a stable colour from the name when missing or malformed),
 * `editing` the task field that has the client's focus. Other keys are left alone, for an app's own use. A state
 * that does not fit (no name, say) is skipped by `peers()`: one client's bad state never breaks another's view.
 */
export interface PresenceState {
  readonly user: PresenceUser;
  readonly editing: EditingField | null;
}

/** Who a person is in presence: the name and colour others see. */
export interface PresenceUser {
  readonly name: string;
  readonly color: string;
}

/** A task field someone is editing. */
export interface EditingField {
  readonly taskId: TaskId;
  readonly field: TaskTextField;
}

/** A client on the list: its published state, its awareness client id, and whether it is this client. */
export interface Peer extends PresenceState {
  readonly clientId: number;
  readonly self: boolean;
}

/** Longest name shown; longer ones are cut. */
export const MAX_PRESENCE_NAME = 40;

/** Dark enough for white text on them (WCAG AA) and for a 2px outline on white. */
export const PRESENCE_COLORS = ['#b42318', '#1d4ed8', '#047857', '#7c3aed', '#a14f0a', '#be185d', '#0e7490', '#4d7c0f'] as const;

/** A stable colour per name, so everyone sees the same person in the same colour. */
export function presenceColor(name: string): string {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (Math.imul(hash, 31) + name.charCodeAt(i)) >>> 0;
  return PRESENCE_COLORS[hash % PRESENCE_COLORS.length]!;
}

/**
 * Presence over a list's awareness (`list.awareness`): who is on the list, and who edits which task and field.
 *
 * @example
 * const presence = new Presence(list.awareness);
 * presence.setUser({ name: 'Ada' });
 * input.addEventListener('focus', () => presence.setEditing({ taskId, field: 'title' }));
 * input.addEventListener('blur', () => presence.setEditing(null));
 * presence.onChange(() => render(presence.peers()));
 */
export class Presence {
  constructor(readonly awareness: Awareness) {}

  /** Publishes who this client is (the colour defaults to one derived from the name). */
  setUser(user: { readonly name: string; readonly color?: string }): void {
    const name = user.name.trim().slice(0, MAX_PRESENCE_NAME);
    if (!name) throw new TypeError('Presence.setUser: the name must not be empty');
    this.awareness.setLocalStateField('user', { name, color: validColor(user.color) ?? presenceColor(name) });
    if (!('editing' in (this.awareness.getLocalState() ?? {}))) this.awareness.setLocalStateField('editing', null);
  }

  /** Publishes the task field this client edits, or null. Publishing what is already published sends nothing. */
  setEditing(editing: EditingField | null): void {
    const current = parseEditing((this.awareness.getLocalState() as { editing?: unknown } | null)?.editing);
    if (current?.taskId === editing?.taskId && current?.field === editing?.field) return;
    this.awareness.setLocalStateField('editing', editing && { taskId: editing.taskId, field: editing.field });
  }

  /** Leaves the list's presence at once (others see it now, not after the 30 s awareness timeout). */
  leave(): void {
    this.awareness.setLocalState(null);
  }

  /** Everyone on the list, this client first, then by name. States that do not fit the schema are skipped. */
  peers(): Peer[] {
    const peers: Peer[] = [];
    for (const [clientId, state] of this.awareness.getStates()) {
      const parsed = parsePresence(state);
      if (parsed) peers.push({ ...parsed, clientId, self: clientId === this.awareness.clientID });
    }
    return peers.sort((a, b) => Number(b.self) - Number(a.self) || a.user.name.localeCompare(b.user.name) || a.clientId - b.clientId);
  }

  /** The others editing each task (and which field), by task id. */
  editorsByTask(): Map<TaskId, Peer[]> {
    return editorsByTask(this.peers());
  }

  /** Calls `listener` whenever someone joins, leaves or changes their state; returns the function that stops it. */
  onChange(listener: () => void): () => void {
    this.awareness.on('change', listener);
    return () => this.awareness.off('change', listener);
  }
}

/** The others among `peers` editing each task (and which field), by task id. */
export function editorsByTask(peers: readonly Peer[]): Map<TaskId, Peer[]> {
  const byTask = new Map<TaskId, Peer[]>();
  for (const peer of peers) {
    if (peer.self || !peer.editing) continue;
    const editors = byTask.get(peer.editing.taskId);
    if (editors) editors.push(peer);
    else byTask.set(peer.editing.taskId, [peer]);
  }
  return byTask;
}

/** A state in the awareness schema, or null for one that does not fit it. */
export function parsePresence(state: unknown): PresenceState | null {
  if (typeof state !== 'object' || state === null) return null;
  const { user, editing } = state as { user?: unknown; editing?: unknown };
  if (typeof user !== 'object' || user === null) return null;
  const { name, color } = user as { name?: unknown; color?: unknown };
  if (typeof name !== 'string' || !name.trim()) return null;
  const shown = name.trim().slice(0, MAX_PRESENCE_NAME);
  return { user: { name: shown, color: validColor(color) ?? presenceColor(shown) }, editing: parseEditing(editing) };
}

function parseEditing(editing: unknown): EditingField | null {
  if (typeof editing !== 'object' || editing === null) return null;
  const { taskId, field } = editing as { taskId?: unknown; field?: unknown };
  if (typeof taskId !== 'string' || !taskId || (field !== 'title' && field !== 'description')) return null;
  return { taskId: taskId as TaskId, field };
}

function validColor(color: unknown): string | null {
  return typeof color === 'string' && /^#[0-9a-f]{6}$/i.test(color) ? color : null;
}
