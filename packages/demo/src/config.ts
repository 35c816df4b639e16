/** Reads who and what the page is about from its URL, with remembered defaults. */
import { presenceColor, type PresenceUser } from '@concord/core';

export type User = PresenceUser;

export interface PageConfig {
  readonly listId: string;
  readonly user: User;
  /** Whether this window chose "Work offline" (kept for the tab's session, across reloads). */
  readonly workOffline: boolean;
  /** Local storage adapter from `?storage=` (to compare them): core's default unless asked. */
  readonly storage: StorageChoice;
}

export type StorageChoice = 'default' | 'y-indexeddb' | 'single';

const ADJECTIVES = ['Amber', 'Brisk', 'Calm', 'Deft', 'Eager', 'Fleet', 'Gentle', 'Hardy', 'Keen', 'Lucid', 'Merry', 'Nimble'];
const ANIMALS = ['Otter', 'Heron', 'Lynx', 'Badger', 'Finch', 'Marten', 'Ibex', 'Wren', 'Puffin', 'Gecko', 'Koala', 'Tapir'];

const NAME_KEY = 'concord:user-name';
const OFFLINE_KEY = 'concord:work-offline';

export function readConfig(location: Location, local: Storage, session: Storage): PageConfig {
  const params = new URLSearchParams(location.search);
  const listId = params.get('list')?.trim() || 'demo';
  const fromUrl = params.get('user')?.trim();
  let name = fromUrl || local.getItem(NAME_KEY) || '';
  if (!name) {
    name = `${pick(ADJECTIVES)} ${pick(ANIMALS)}`;
    local.setItem(NAME_KEY, name);
  }
  const storageParam = params.get('storage');
  const storage: StorageChoice = storageParam === 'y-indexeddb' || storageParam === 'single' ? storageParam : 'default';
  return { listId, user: { name, color: colorFor(name) }, workOffline: session.getItem(OFFLINE_KEY) === '1', storage };
}

export function rememberName(local: Storage, name: string): void {
  local.setItem(NAME_KEY, name);
}

export function rememberWorkOffline(session: Storage, offline: boolean): void {
  if (offline) session.setItem(OFFLINE_KEY, '1');
  else session.removeItem(OFFLINE_KEY);
}

/** A stable colour per name (core's presence colours), so everyone sees the same person in the same colour. */
export const colorFor = presenceColor;

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? parts[0]![0]! + parts[parts.length - 1]![0]! : (parts[0] ?? '?').slice(0, 2);
  return letters.toUpperCase();
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}
