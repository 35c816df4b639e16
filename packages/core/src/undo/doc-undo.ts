import * as Y from 'yjs';
import { EDITS_KEY } from '../text-merge/records.js';
import { stackItem, type DeleteSet, type StackItem } from './undo-codec.js';

/** A stack item a document's undo manager added: a new local change (`undo`), or the reverse of one undone (`redo`). */
export interface AddedItem {
  readonly doc: string;
  readonly item: StackItem;
  readonly type: 'undo' | 'redo';
  /** The origin of the transaction that made it. */
  readonly origin: unknown;
  readonly changed: ReadonlySet<unknown>;
  /** Whether it came from `undo()` or `redo()` of this manager (not from a new change). */
  readonly replaying: boolean;
}

/**
 * One document's Y.UndoManager, used as the engine that reverses a stack item: which items form one user action, and
 * in which order they are undone, is decided by the list's stack. The manager never merges items by itself
 * (`captureTimeout` 0) and undoes exactly the item it is given: Yjs's own `undo()` would go on to the next item when
 * one changes nothing (when someone else has overwritten it), which would undo an older action of the user's.
 *
 * Yjs reverses an item without overwriting other people's changes: undoing an insertion deletes only the characters or
 * values inserted, undoing a deletion reinserts copies where they were, and a map value someone else set since is left
 * as it is (the step then changes nothing).
 */
export class DocUndo {
  readonly manager: Y.UndoManager;

  constructor(
    readonly name: string,
    readonly doc: Y.Doc,
    trackedOrigins: Set<unknown>,
    onAdded: (added: AddedItem) => void,
  ) {
    this.manager = new Y.UndoManager(doc, {
      trackedOrigins: new Set(trackedOrigins),
      captureTimeout: 0,
      // A text edit's record stays when the edit is undone: the undo is then a change of the text like any other, and
      // a collision the edit won stays decided (removing the record would revive a version its author had replaced).
      deleteFilter: (item) => item.parent !== doc.share.get(EDITS_KEY),
    });
    this.manager.on('stack-item-added', (event) => {
      onAdded({
        doc: name,
        item: event.stackItem,
        type: event.type,
        origin: event.origin,
        changed: new Set(event.changedParentTypes.keys()),
        replaying: this.manager.undoing || this.manager.redoing,
      });
    });
  }

  /** Reverses `item` (taken from the undo stack when `from` is 'undo'); whether it changed anything. */
  reverse(item: StackItem, from: 'undo' | 'redo'): boolean {
    const key = from === 'undo' ? 'undoStack' : 'redoStack';
    const others = this.manager[key].filter((other) => other !== item);
    this.manager[key] = [clip(item, this.doc)];
    try {
      return (from === 'undo' ? this.manager.undo() : this.manager.redo()) !== null;
    } finally {
      this.manager[key] = [...others, ...this.manager[key]];
    }
  }

  /** Keeps `item` among the manager's items (they tell Yjs which later values are the user's own when it reverses). */
  hold(item: StackItem, on: 'undo' | 'redo'): void {
    const stack = on === 'undo' ? this.manager.undoStack : this.manager.redoStack;
    if (!stack.includes(item)) stack.push(item);
  }

  drop(item: StackItem): void {
    this.manager.undoStack = this.manager.undoStack.filter((other) => other !== item);
    this.manager.redoStack = this.manager.redoStack.filter((other) => other !== item);
  }

  /** Drops every redo item (a new change was made). */
  dropRedo(): void {
    this.manager.redoStack = [];
  }

  destroy(): void {
    this.manager.destroy();
  }
}

/** Appends `next` to `into` (a burst of typing grows one item). */
export function extend(into: StackItem, next: StackItem): void {
  into.insertions = Y.mergeDeleteSets([into.insertions, next.insertions]);
  into.deletions = Y.mergeDeleteSets([into.deletions, next.deletions]);
}

/**
 * `item` without ranges the document does not hold: a stored stack can name changes that never reached local storage
 * (the page closed between the two writes), and Yjs cannot reverse what it does not have.
 */
function clip(item: StackItem, doc: Y.Doc): StackItem {
  const within = (set: DeleteSet): DeleteSet => {
    const clipped = Y.createDeleteSet();
    for (const [client, ranges] of set.clients) {
      const state = Y.getState(doc.store, client);
      const kept = ranges
        .filter((range) => range.clock < state)
        .map((range) => ({ clock: range.clock, len: Math.min(range.len, state - range.clock) }));
      if (kept.length > 0) clipped.clients.set(client, kept);
    }
    return clipped;
  };
  const insertions = within(item.insertions);
  const deletions = within(item.deletions);
  if (sameSize(insertions, item.insertions) && sameSize(deletions, item.deletions)) return item;
  return stackItem(insertions, deletions);
}

function sameSize(a: DeleteSet, b: DeleteSet): boolean {
  const total = (set: DeleteSet) => [...set.clients.values()].reduce((sum, ranges) => sum + ranges.reduce((s, r) => s + r.len, 0), 0);
  return total(a) === total(b);
}
