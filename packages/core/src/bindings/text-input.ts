import type * as Y from 'yjs';
import type { TaskId } from '../model/ids.js';
import type { TaskList } from '../store/task-list.js';
import { TypingOrigin } from '../undo/typing-origin.js';
import { diffSplice, transformPosition, transformSplice, type DeltaOp } from './text-splice.js';

/** The text fields of a task an editor can bind to. */
export type TaskTextField = 'title' | 'description';

/** The elements `bindTextInput` binds: a single-line or a multi-line text field. */
export type TextInputElement = HTMLInputElement | HTMLTextAreaElement;

/**
 * Binds an `<input>` or `<textarea>` to the title or description of a task, both ways, until `destroy()`: typing makes
 * the smallest splice of the task's `Y.Text` (so concurrent typing merges by character), and an edit from elsewhere
 * updates the field with the caret and selection carried through it. An IME composition in progress is never
 * disturbed: remote edits wait for its end. Throws `ERR_UNKNOWN_TASK` for a task not in the list.
 *
 * @example
 * const binding = bindTextInput(document.querySelector('input')!, list, taskId, 'title');
 * // later: binding.destroy();
 */
export function bindTextInput(element: TextInputElement, list: TaskList, taskId: TaskId, field: TaskTextField): TextInputBinding {
  if (field !== 'title' && field !== 'description') throw new TypeError(`bindTextInput: field must be 'title' or 'description', not ${String(field)}`);
  return new TextInputBinding(element, list.text(taskId, field));
}

/**
 * Binds an <input> or <textarea> to a Y.Text, both ways:
 * - a local edit becomes the smallest splice of the Y.Text (never a whole-string replacement, so concurrent typing
 *   by others merges character by character);
 * - a remote edit updates the field and carries the caret and selection through the change's delta.
 * While an IME composition is in progress the field is left alone; remote changes wait and are merged at its end.
 */
export class TextInputBinding {
  /** What the field showed after the last sync with the Y.Text. */
  private shown: string;
  private composing = false;
  /** Remote deltas that arrived during a composition, in order, relative to `shown`. */
  private held: DeltaOp[][] = [];
  /** The origin of this binding's edits: undo records them as typing (a paste as a step of its own). */
  private readonly origin = new TypingOrigin();

  constructor(
    readonly field: TextInputElement,
    readonly text: Y.Text,
  ) {
    this.shown = text.toString();
    field.value = this.shown;
    text.observe(this.onRemote);
    field.addEventListener('input', this.onInput);
    field.addEventListener('compositionstart', this.onCompositionStart);
    field.addEventListener('compositionend', this.onCompositionEnd);
  }

  /** Stops the binding: removes its listeners and observers; the element keeps its text. */
  destroy(): void {
    this.text.unobserve(this.onRemote);
    this.field.removeEventListener('input', this.onInput);
    this.field.removeEventListener('compositionstart', this.onCompositionStart);
    this.field.removeEventListener('compositionend', this.onCompositionEnd);
  }

  private readonly onInput = (event?: Event): void => {
    if (this.composing) return;
    const inputType = (event as { inputType?: unknown } | undefined)?.inputType;
    this.origin.inputType = typeof inputType === 'string' ? inputType : '';
    const value = this.field.value;
    let splice = diffSplice(this.shown, value, this.field.selectionEnd ?? value.length);
    if (!splice) return;
    for (const delta of this.held) splice = transformSplice(splice, delta);
    const edit = splice;
    const doc = this.text.doc;
    const apply = () => {
      if (edit.remove > 0) this.text.delete(edit.index, edit.remove);
      if (edit.insert) this.text.insert(edit.index, edit.insert);
    };
    if (doc) doc.transact(apply, this.origin);
    else apply();
    if (this.held.length > 0) {
      // The remote edits held during a composition move the caret too (typing at the end stays at the end).
      const held = this.held;
      this.held = [];
      this.refresh(held);
    } else {
      this.shown = value;
    }
  };

  private readonly onRemote = (event: Y.YTextEvent): void => {
    if (event.transaction.origin === this.origin) return;
    const delta = event.delta as DeltaOp[];
    if (this.composing) {
      this.held.push(delta);
      return;
    }
    this.refresh([delta]);
  };

  /** Shows the Y.Text's content, carrying the selection through `deltas` when the field has focus. */
  private refresh(deltas: readonly DeltaOp[][]): void {
    const next = this.text.toString();
    this.shown = next;
    if (this.field.value === next) return;
    const field = this.field;
    if (field.ownerDocument.activeElement !== field) {
      field.value = next;
      return;
    }
    let start = field.selectionStart ?? 0;
    let end = field.selectionEnd ?? start;
    const direction = field.selectionDirection ?? 'none';
    for (const delta of deltas) {
      start = transformPosition(delta, start);
      end = transformPosition(delta, end);
    }
    field.value = next;
    field.setSelectionRange(Math.min(start, next.length), Math.min(end, next.length), direction);
  }

  private readonly onCompositionStart = (): void => {
    this.composing = true;
  };

  private readonly onCompositionEnd = (): void => {
    this.composing = false;
    this.onInput();
    // A composition that changed nothing still has to show the remote edits it held back.
    if (this.held.length > 0) {
      const held = this.held;
      this.held = [];
      this.refresh(held);
    }
  };
}
