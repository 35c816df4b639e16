import * as Y from 'yjs';
import type { TaskId } from '../model/ids.js';
import { DocUndo, extend, type AddedItem } from './doc-undo.js';
import type { UndoHost } from './undo-host.js';
import { RelayOrigin } from '../transport/relay-origin.js';
import { holdStack, type StackHold } from './stack-hold.js';
import { TypingOrigin } from './typing-origin.js';
import { decodeStacks, encodeStacks, type ActionPart, type DeleteSet, type StackEntry } from './undo-codec.js';
import { UNDO_DEFAULTS, type UndoAction, type UndoActionKind, type UndoOptions, type UndoResult, type UndoState } from './undo-types.js';

/** The metadata key the stacks are stored under, beside the list document. */
export const UNDO_META_KEY = 'concord:undo';

/**
 * The list's undo and redo stacks. An action (create, delete, move, a burst of typing, …) is one step however many
 * documents it changed: each document's share is a Yjs stack item (`DocUndo`), and a step reverses its items together.
 * Only the local user's changes are recorded (the list's own origin and its text bindings); changes from other people
 * or other tabs never are, and reversing a step leaves them in place. The stacks are stored beside the list (through
 * the persistence adapter's metadata) after every change, so they survive a reload and work offline.
 */
export class UndoHistory {
  private undoStack: StackEntry[] = [];
  private redoStack: StackEntry[] = [];
  private readonly docs = new Map<string, DocUndo>();
  private readonly tracked: Set<unknown>;
  private readonly options: Required<UndoOptions>;
  /** Deleted content the stored stacks may bring back, per document: never garbage-collected when it is applied. */
  private readonly keep = new Map<string, DeleteSet>();
  private recording: StackEntry | null = null;
  private replaying: ActionPart[] | null = null;
  private state: UndoState = { canUndo: false, canRedo: false, nextUndo: null, nextRedo: null };
  private saving: Promise<void> = Promise.resolve();
  private saveQueued = false;
  private hold: StackHold | null = null;
  /** Set once the stacks are this tab's to store at close: it took the stored ones, or changed its own. */
  private ownsStored = false;

  constructor(
    private readonly host: UndoHost,
    options: UndoOptions = {},
  ) {
    this.options = { ...UNDO_DEFAULTS, ...options };
    if (!(this.options.limit >= 1)) throw new TypeError('undo limit must be at least 1');
    if (!(this.options.typingBurstMs >= 0)) throw new TypeError('typingBurstMs must not be negative');
    // A text binding's edits are the user's typing; the class stands for every binding (Yjs matches origins by class too).
    // A restore the list asked the relay for is applied with a RelayOrigin, inside `record`: one step to undo.
    this.tracked = new Set<unknown>([host.origin, TypingOrigin, RelayOrigin]);
  }

  /**
   * Reads the stored stacks. Before any document of the list is applied: what they may bring back must not be collected.
   * A tab that opens the list while another tab of this browser has it open starts with empty stacks: the stored ones
   * are that tab's, and a step on both tabs' stacks could be reversed once in each.
   */
  async load(): Promise<void> {
    const holding = holdStack(`concord:undo:${this.host.userId}:${this.host.listId}`);
    let value: Uint8Array | undefined;
    try {
      value = await this.host.persistence.readMeta?.(this.host.listId, UNDO_META_KEY);
    } finally {
      this.hold = await holding;
    }
    if (!this.hold.first) return;
    this.ownsStored = true;
    const stored = decodeStacks(value);
    this.undoStack = stored.undo;
    this.redoStack = stored.redo;
    const deletions = new Map<string, DeleteSet[]>();
    for (const { parts } of [...this.undoStack, ...this.redoStack]) {
      for (const { doc, item } of parts) deletions.set(doc, [...(deletions.get(doc) ?? []), item.deletions]);
    }
    for (const [doc, sets] of deletions) this.keep.set(doc, Y.mergeDeleteSets(sets));
    for (const [name, docUndo] of this.docs) this.holdStored(name, docUndo);
    this.update();
  }

  /** Starts recording the local user's changes of `doc` (called as each document of the list is created). */
  attach(name: string, doc: Y.Doc): void {
    const keep = this.keep.get(name);
    // Composed with what the document keeps already (the claims of its authors map).
    const collect = doc.gcFilter;
    if (keep) doc.gcFilter = (item) => !Y.isDeleted(keep, item.id) && collect(item);
    const docUndo = new DocUndo(name, doc, this.tracked, (added) => this.added(added));
    this.docs.set(name, docUndo);
    this.holdStored(name, docUndo);
    doc.on('destroy', () => {
      if (this.docs.get(name) === docUndo) this.docs.delete(name);
    });
  }

  get current(): UndoState {
    return this.state;
  }

  /** Runs `change` (the list's own edits) as one step of kind `kind`. */
  record<T>(kind: UndoActionKind, taskIds: readonly TaskId[], change: () => T): T {
    if (this.recording) return change();
    const at = this.host.now();
    const entry: StackEntry = { action: { kind, taskIds, at }, parts: [], lastAt: at };
    this.recording = entry;
    try {
      return change();
    } finally {
      this.recording = null;
      if (entry.parts.length > 0) this.push(entry);
    }
  }

  undo(): UndoResult | null {
    const entry = this.undoStack.pop();
    return entry ? this.reverse(entry, 'undo') : null;
  }

  redo(): UndoResult | null {
    const entry = this.redoStack.pop();
    return entry ? this.reverse(entry, 'redo') : null;
  }

  /** Forgets every step about `id` (the task was purged: there is nothing left to bring back). */
  forget(id: TaskId): void {
    const keep = (entry: StackEntry) => {
      if (!entry.action.taskIds.includes(id)) return true;
      for (const part of entry.parts) this.docs.get(part.doc)?.drop(part.item);
      return false;
    };
    this.undoStack = this.undoStack.filter(keep);
    this.redoStack = this.redoStack.filter(keep);
    this.update();
  }

  /** Resolves once the stacks as they are now are stored. */
  async flush(): Promise<void> {
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    await this.saving;
  }

  /**
   * Stores the stacks once more, so that the stored ones are the last closed tab's (another tab may have written its
   * own since), unless this tab neither took the stored stacks nor changed its own; then lets another tab hold them.
   */
  async close(): Promise<void> {
    if (this.ownsStored) this.save();
    try {
      await this.flush();
    } finally {
      this.release();
    }
  }

  /** Lets another tab hold the stored stacks (the list is closed, or failed to open). */
  release(): void {
    this.hold?.release();
  }

  private reverse(entry: StackEntry, from: 'undo' | 'redo'): UndoResult {
    const collected: ActionPart[] = [];
    this.replaying = collected;
    let applied = false;
    try {
      if (from === 'undo' && entry.action.kind === 'create') applied = this.undoCreate(entry);
      else {
        // Last change first, as the user made them.
        for (const part of [...entry.parts].reverse()) {
          const docUndo = this.docUndo(part.doc);
          if (!docUndo) continue;
          const before = part.doc === this.host.listId ? this.host.listShown() : null;
          const reversed = docUndo.reverse(part.item, from);
          applied = (reversed && (before === null || before !== this.host.listShown())) || applied;
        }
      }
    } finally {
      this.replaying = null;
    }
    if (collected.length > 0) (from === 'undo' ? this.redoStack : this.undoStack).push({ ...entry, parts: collected, lastAt: -Infinity });
    this.update();
    return { action: entry.action, applied };
  }

  /**
   * Undoing a create moves the task to the trash rather than erasing it: someone may have edited the new task since,
   * and their edits must not go. Redo restores it.
   */
  private undoCreate(entry: StackEntry): boolean {
    for (const part of entry.parts) this.docs.get(part.doc)?.drop(part.item);
    const list = this.docUndo(this.host.listId);
    const id = entry.action.taskIds[0];
    if (!list || id === undefined) return false;
    // As the manager's own undo: the change goes on the redo side.
    list.manager.undoing = true;
    try {
      return this.host.softDelete(id, list.manager);
    } finally {
      list.manager.undoing = false;
    }
  }

  private added({ doc, item, type, origin, changed, replaying }: AddedItem): void {
    const part: ActionPart = { doc, item };
    if (replaying) {
      this.replaying?.push(part);
      return;
    }
    if (type !== 'undo') return;
    this.dropRedo();
    if (this.recording) {
      this.recording.parts.push(part);
      return;
    }
    // A change through a text binding: typing, or a paste.
    const now = this.host.now();
    const taskId = doc.slice(this.host.listId.length + 1) as TaskId;
    const field = [...changed].includes(this.docs.get(doc)?.doc.getText('description')) ? 'description' : 'title';
    const kind = origin instanceof TypingOrigin && origin.inputType === 'insertFromPaste' ? 'paste' : 'typing';
    const top = this.undoStack.at(-1);
    if (
      kind === 'typing' &&
      top?.action.kind === 'typing' &&
      top.action.field === field &&
      top.parts.length === 1 &&
      top.parts[0]!.doc === doc &&
      now - top.lastAt < this.options.typingBurstMs
    ) {
      extend(top.parts[0]!.item, item);
      this.docs.get(doc)?.drop(item);
      top.lastAt = now;
      this.update();
      return;
    }
    this.push({ action: { kind, taskIds: [taskId], field, at: now }, parts: [part], lastAt: now });
  }

  private push(entry: StackEntry): void {
    this.undoStack.push(entry);
    for (const dropped of this.undoStack.splice(0, Math.max(0, this.undoStack.length - this.options.limit))) {
      for (const part of dropped.parts) this.docs.get(part.doc)?.drop(part.item);
    }
    this.update();
  }

  private dropRedo(): void {
    if (this.redoStack.length === 0) return;
    for (const docUndo of this.docs.values()) docUndo.dropRedo();
    this.redoStack = [];
  }

  private docUndo(name: string): DocUndo | null {
    // Asked each time, not only for a document not attached yet: the list's own document is attached while the list is
    // still shown from its stored view, before it is bound to storage, and a list closed before binding it would not
    // store the step reversed on it.
    this.host.docOf(name);
    return this.docs.get(name) ?? null;
  }

  private holdStored(name: string, docUndo: DocUndo): void {
    for (const [stack, on] of [[this.undoStack, 'undo'], [this.redoStack, 'redo']] as const) {
      for (const entry of stack) for (const part of entry.parts) if (part.doc === name) docUndo.hold(part.item, on);
    }
  }

  /** Reports a changed state and stores the stacks (once per microtask). */
  private update(): void {
    const top = (stack: StackEntry[]): UndoAction | null => stack.at(-1)?.action ?? null;
    const next: UndoState = {
      canUndo: this.undoStack.length > 0,
      canRedo: this.redoStack.length > 0,
      nextUndo: top(this.undoStack),
      nextRedo: top(this.redoStack),
    };
    const changed = Object.entries(next).some(([key, value]) => this.state[key as keyof UndoState] !== value);
    this.ownsStored = true;
    if (changed) {
      this.state = next;
      this.host.changed(next);
    }
    this.save();
  }

  private save(): void {
    if (this.saveQueued || !this.host.persistence.writeMeta) return;
    this.saveQueued = true;
    const write = this.host.persistence.writeMeta.bind(this.host.persistence);
    // After the write in flight (writes land in order), and after this turn's other changes (one write for them all).
    this.saving = Promise.all([this.saving, new Promise<void>((resolve) => queueMicrotask(resolve))]).then(async () => {
      this.saveQueued = false;
      try {
        await write(this.host.listId, UNDO_META_KEY, encodeStacks({ undo: this.undoStack, redo: this.redoStack }));
      } catch (error) {
        this.host.failed(error);
      }
    });
  }
}
