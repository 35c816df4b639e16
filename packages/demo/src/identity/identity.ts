/**
 * Who this person is, per device, not per URL: a name and a colour chosen on the first visit and kept in this browser's
 * localStorage. A shared link never carries it. `?user=` (tests and side-by-side demos) gives one tab an identity of its
 * own, kept in that tab's sessionStorage (a rename there survives a reload, and the tab keeps it while it moves
 * between lists); it is never written into a link.
 */
import { presenceColor, PRESENCE_COLORS } from '@concord/core';

export interface Identity {
  /** A random id for this device (or tab identity): two people with the same name stay two members. */
  readonly id: string;
  readonly name: string;
  readonly color: string;
}

export interface LoadedIdentity {
  readonly identity: Identity;
  /** Nothing was chosen on this device before: the page shows its first-visit view. */
  readonly firstVisit: boolean;
}

const DEVICE_KEY = 'concord:identity';
const TAB_KEY = 'concord:tab-identity';
/** Where earlier versions of the page kept a generated name. */
const LEGACY_NAME_KEY = 'concord:user-name';
export const MAX_NAME = 40;

const ADJECTIVES = ['Amber', 'Brisk', 'Calm', 'Deft', 'Eager', 'Fleet', 'Gentle', 'Hardy', 'Keen', 'Lucid', 'Merry', 'Nimble'];
const ANIMALS = ['Otter', 'Heron', 'Lynx', 'Badger', 'Finch', 'Marten', 'Ibex', 'Wren', 'Puffin', 'Gecko', 'Koala', 'Tapir'];

export const COLORS: readonly string[] = PRESENCE_COLORS;
/** What each of COLORS looks like, for people who do not see it. */
export const COLOR_NAMES = ['Red', 'Blue', 'Green', 'Purple', 'Brown', 'Pink', 'Teal', 'Olive'];

/** The identity for this page: the tab's (from `?user=`) or the device's, made up on a first visit. */
export function loadIdentity(local: Storage, session: Storage, urlUser: string | null): LoadedIdentity {
  const fromUrl = urlUser?.trim().slice(0, MAX_NAME);
  if (fromUrl) {
    // A rename in this tab is kept for the same `?user=`; another `?user=` starts another tab identity.
    const tab = readTab(session);
    // Its id follows the name asked for, so the same `?user=` in another tab or a later visit is the same member.
    const identity = tab?.from === fromUrl ? tab : { id: `user:${fromUrl}`, name: fromUrl, color: presenceColor(fromUrl) };
    session.setItem(TAB_KEY, JSON.stringify({ ...identity, from: fromUrl }));
    return { identity: strip(identity), firstVisit: local.getItem(DEVICE_KEY) === null };
  }
  // The tab keeps the identity it was given while it moves between lists (the app's links carry no user).
  const tab = read(session, TAB_KEY);
  if (tab) return { identity: strip(tab), firstVisit: local.getItem(DEVICE_KEY) === null };
  const stored = read(local, DEVICE_KEY);
  if (stored) return { identity: stored, firstVisit: false };
  const name = local.getItem(LEGACY_NAME_KEY)?.trim() || `${pick(ADJECTIVES)} ${pick(ANIMALS)}`;
  const identity = { id: newId(), name, color: presenceColor(name) };
  local.setItem(DEVICE_KEY, JSON.stringify(identity));
  return { identity, firstVisit: true };
}

/** Keeps a changed name or colour where this page's identity came from (the tab's or the device's). */
export function saveIdentity(local: Storage, session: Storage, identity: Identity): void {
  const tab = readTab(session);
  if (tab?.from) session.setItem(TAB_KEY, JSON.stringify({ ...identity, from: tab.from }));
  else local.setItem(DEVICE_KEY, JSON.stringify(identity));
}

/** A cleaned name, or null when nothing is left of it. */
export function cleanName(name: string): string | null {
  const trimmed = name.trim().slice(0, MAX_NAME);
  return trimmed || null;
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? parts[0]![0]! + parts[parts.length - 1]![0]! : (parts[0] ?? '?').slice(0, 2);
  return letters.toUpperCase();
}

function read(storage: Storage, key: string): Identity | null {
  try {
    const value = JSON.parse(storage.getItem(key) ?? 'null') as Partial<Identity> | null;
    if (value && typeof value.id === 'string' && typeof value.name === 'string' && value.name.trim() && typeof value.color === 'string') {
      return { ...value, id: value.id, name: value.name, color: /^#[0-9a-f]{6}$/i.test(value.color) ? value.color : presenceColor(value.name) };
    }
  } catch {
    // A value written by hand or by another app: start afresh rather than fail to open the page.
  }
  return null;
}

/** The tab identity and the `?user=` it was made from. */
function readTab(session: Storage): (Identity & { from?: string }) | null {
  const tab = read(session, TAB_KEY);
  if (!tab) return null;
  const from: unknown = (JSON.parse(session.getItem(TAB_KEY) ?? '{}') as { from?: unknown }).from;
  return typeof from === 'string' ? { ...tab, from } : tab;
}

function strip({ id, name, color }: Identity): Identity {
  return { id, name, color };
}

function newId(): string {
  return crypto.randomUUID();
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}
