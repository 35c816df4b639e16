import type * as Y from 'yjs';
import type { TaskId } from '../model/ids.js';
import type { TaskList } from '../store/task-list.js';
import { resolveText } from '../text-merge/resolve.js';
import { TypingOrigin } from '../undo/typing-origin.js';
import { applyDelta, diffSplice, spliceDelta, transformPosition, transformSplice, type DeltaOp, type Splice } from './text-splice.js';

import type { TaskTextField } from '../model/task-doc.js';

export type { TaskTextField };

/** The elements `bindTextInput` binds: a single-line or a multi-line text field. */
export type TextInputElement = HTMLInputElement | HTMLTextAreaElement;

/**
 * Binds an `<input>` or `<textarea>` to the title or description of a task, both ways, until `destroy()`: typing makes
 * the smallest splice of the text the task shows, as a recorded edit (so concurrent typing merges by character, and
 * edits made apart that collide show one version: see `TaskList.spliceText`), and an edit from elsewhere updates the
 * field with the caret and selection carried through it. An IME composition in progress is never disturbed: remote
 * edits wait for its end. Throws `ERR_UNKNOWN_TASK` for a task not in the list.
 *
 * @example
 * const binding = bindTextInput(document.querySelector('input')!, list, taskId, 'title');
 * // later: binding.destroy();
 */
export function bindTextInput(element: TextInputElement, list: TaskList, taskId: TaskId, field: TaskTextField): TextInputBinding {
  if (field !== 'title' && field !== 'description') throw new TypeError(`bindTextInput: field must be 'title' or 'description', not ${String(field)}`);
  return new TextInputBinding(element, list.text(taskId, field), (splice, origin) => list.spliceText(taskId, field, splice, origin));
}

/**
 * Binds an <input> or <textarea> to a top-level Y.Text, both ways:
 * - the field shows the text as resolved from its edits (`resolveText`: the Y.Text's own string unless edits made
 *   apart collided);
 * - a local edit becomes the smallest splice of that text: given to `edit` with the binding's origin (a recorded
 *   edit, e.g. through `TaskList.spliceText`), or without `edit` made directly on the Y.Text (never a whole-string replacement, so
 *   concurrent typing by others merges character by character);
 * - a remote edit updates the field and carries the caret and selection through the change.
 * While an IME composition is in progress the field is left alone; remote changes wait and are merged at its end.
 */
export class TextInputBinding {
  /** What the field showed after the last sync with the document. */
  private shown: string;
  /** The document's latest text: `shown`, unless remote changes are held during a composition. */
  private latest: string;
  private composing = false;
  private applying = false;
  /** Remote deltas that arrived during a composition, in order, relative to `shown`. */
  private held: DeltaOp[][] = [];
  /** The delta of the Y.Text's last remote event, when its transaction has not ended yet. */
  private textDelta: DeltaOp[] | null = null;
  private readonly name: string | null;
  /** The origin of this binding's edits: undo records them as typing (a paste as a step of its own). */
  private readonly origin = new TypingOrigin();

  constructor(
    readonly field: TextInputElement,
    readonly text: Y.Text,
    private readonly edit?: (splice: Splice, origin: TypingOrigin) => void,
  ) {
    this.name = topLevelName(text);
    this.shown = this.latest = this.read();
    field.value = this.shown;
    text.observe(this.onTextEvent);
    text.doc?.on('afterTransaction', this.onTransaction);
    field.addEventListener('input', this.onInput);
    field.addEventListener('compositionstart', this.onCompositionStart);
    field.addEventListener('compositionend', this.onCompositionEnd);
  }

  /** Stops the binding: removes its listeners and observers; the element keeps its text. */
  destroy(): void {
    this.text.unobserve(this.onTextEvent);
    this.text.doc?.off('afterTransaction', this.onTransaction);
    this.field.removeEventListener('input', this.onInput);
    this.field.removeEventListener('compositionstart', this.onCompositionStart);
    this.field.removeEventListener('compositionend', this.onCompositionEnd);
  }

  private read(): string {
    const doc = this.text.doc;
    return doc && this.name !== null ? resolveText(doc, this.name).text : this.text.toString();
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
    this.applying = true;
    try {
      if (this.edit) this.edit(edit, this.origin);
      else {
        const apply = () => {
          if (edit.remove > 0) this.text.delete(edit.index, edit.remove);
          if (edit.insert) this.text.insert(edit.index, edit.insert);
        };
        if (this.text.doc) this.text.doc.transact(apply, this.origin);
        else apply();
      }
    } finally {
      this.applying = false;
    }
    this.latest = this.read();
    if (this.held.length > 0) {
      // The remote edits held during a composition move the caret too (typing at the end stays at the end).
      const held = this.held;
      this.held = [];
      this.refresh(held);
    } else {
      this.shown = value;
    }
  };

  private readonly onTextEvent = (event: Y.YTextEvent): void => {
    if (!this.applying) this.textDelta = event.delta;
  };

  /** After every transaction of the document: a record can change what shows without changing the Y.Text. */
  private readonly onTransaction = (): void => {
    const textDelta = this.textDelta;
    this.textDelta = null;
    if (this.applying) return;
    const next = this.read();
    if (next === this.latest) return;
    // The Y.Text's own delta when it explains the change (it places an insert among equal characters exactly),
    // else the smallest splice between the two versions.
    const delta = textDelta && applyDelta(this.latest, textDelta) === next ? textDelta : spliceDelta(this.latest, next);
    this.latest = next;
    if (this.composing) {
      this.held.push(delta);
      return;
    }
    this.refresh([delta]);
  };

  /** Shows the document's text, carrying the selection through `deltas` when the field has focus. */
  private refresh(deltas: readonly DeltaOp[][]): void {
    const next = this.latest;
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

/** The name of a top-level Y.Text in its document, or null (a nested text has no edit records). */
function topLevelName(text: Y.Text): string | null {
  if (!text.doc || text._item !== null) return null;
  for (const [name, type] of text.doc.share) if ((type as unknown) === text) return name;
  return null;
}
