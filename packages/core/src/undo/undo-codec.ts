import * as Y from 'yjs';
import type { TaskId } from '../model/ids.js';
import type { UndoAction, UndoActionKind } from './undo-types.js';

export type DeleteSet = ReturnType<typeof Y.createDeleteSet>;
export type StackItem = Y.UndoManager['undoStack'][number];

/** One document's share of an action: the Yjs stack item that undoes (or redoes) it. */
export interface ActionPart {
  readonly doc: string;
  item: StackItem;
}

/** An action on the list-level stack: what the user did, and the stack item of each document it changed. */
export interface StackEntry {
  readonly action: UndoAction;
  parts: ActionPart[];
  /** When the action last grew (a burst of typing grows while it goes on). */
  lastAt: number;
}

export interface StoredStacks {
  readonly undo: StackEntry[];
  readonly redo: StackEntry[];
}

/** Version of the stored form; anything else is ignored (the stack starts empty rather than undoing the wrong thing). */
const FORMAT = 1;
const KINDS: ReadonlySet<string> = new Set<UndoActionKind>(['create', 'delete', 'restore', 'move', 'complete', 'edit', 'typing', 'paste']);

type Ranges = [client: number, ranges: [clock: number, len: number][]][];
interface StoredEntry {
  kind: UndoActionKind;
  taskIds: string[];
  field?: 'title' | 'description';
  at: number;
  parts: { doc: string; ins: Ranges; del: Ranges }[];
}

export function stackItem(insertions: DeleteSet, deletions: DeleteSet): StackItem {
  return { insertions, deletions, meta: new Map() };
}

function encodeSet(set: DeleteSet): Ranges {
  return [...set.clients].map(([client, items]) => [client, items.map((item) => [item.clock, item.len] as [number, number])]);
}

function decodeSet(value: unknown): DeleteSet {
  const set = Y.createDeleteSet();
  if (!Array.isArray(value)) throw new TypeError('not a set of ranges');
  for (const entry of value as unknown[]) {
    const [client, ranges] = entry as [unknown, unknown];
    if (!Number.isInteger(client) || !Array.isArray(ranges)) throw new TypeError('not a client and its ranges');
    const items = (ranges as unknown[]).map((range) => {
      const [clock, len] = range as [unknown, unknown];
      if (!Number.isInteger(clock) || !Number.isInteger(len) || (clock as number) < 0 || (len as number) <= 0) throw new TypeError('not a range');
      return { clock: clock as number, len: len as number };
    });
    set.clients.set(client as number, items);
  }
  // Sorted and merged, as Yjs's lookups (`isDeleted`) expect.
  return Y.mergeDeleteSets([set]);
}

export function encodeStacks(stacks: StoredStacks): Uint8Array {
  const entry = ({ action, parts }: StackEntry): StoredEntry => ({
    kind: action.kind,
    taskIds: [...action.taskIds],
    ...(action.field && { field: action.field }),
    at: action.at,
    parts: parts.map(({ doc, item }) => ({ doc, ins: encodeSet(item.insertions), del: encodeSet(item.deletions) })),
  });
  return new TextEncoder().encode(JSON.stringify({ v: FORMAT, undo: stacks.undo.map(entry), redo: stacks.redo.map(entry) }));
}

/** The stacks stored beside a list; empty ones for anything unreadable. */
export function decodeStacks(bytes: Uint8Array | undefined): StoredStacks {
  if (!bytes) return { undo: [], redo: [] };
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes)) as { v?: unknown; undo?: unknown; redo?: unknown };
    if (value.v !== FORMAT || !Array.isArray(value.undo) || !Array.isArray(value.redo)) return { undo: [], redo: [] };
    return { undo: value.undo.map(decodeEntry), redo: value.redo.map(decodeEntry) };
  } catch {
    return { undo: [], redo: [] };
  }
}

function decodeEntry(value: unknown): StackEntry {
  const { kind, taskIds, field, at, parts } = value as Partial<StoredEntry>;
  if (typeof kind !== 'string' || !KINDS.has(kind) || !Array.isArray(taskIds) || typeof at !== 'number' || !Array.isArray(parts)) {
    throw new TypeError('not a stored action');
  }
  if (field !== undefined && field !== 'title' && field !== 'description') throw new TypeError('not a field');
  const action: UndoAction = { kind, taskIds: taskIds.map(String) as TaskId[], ...(field && { field }), at };
  return {
    action,
    lastAt: at,
    parts: parts.map((part) => {
      if (typeof part?.doc !== 'string') throw new TypeError('not a part');
      return { doc: part.doc, item: stackItem(decodeSet(part.ins), decodeSet(part.del)) };
    }),
  };
}
