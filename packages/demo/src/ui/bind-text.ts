import { nothing } from 'lit';
import { AsyncDirective, directive, PartType, type ElementPart, type PartInfo } from 'lit/async-directive.js';
import type * as Y from 'yjs';
import { TextBinding } from '../text-binding.js';

type Field = HTMLInputElement | HTMLTextAreaElement;

/**
 * `<input ${bindText(() => list.text(id, 'title'), task.title)}>`: shows `value` while the field is not being edited,
 * and binds it to the Y.Text (see TextBinding: character-level splices, caret kept through remote edits) while it has
 * focus. Binding on focus, not on render, means a 1,000-task list renders from the tasks' values without applying
 * 1,000 task documents first; only the one being edited needs its document.
 */
class BindTextDirective extends AsyncDirective {
  private binding: TextBinding | null = null;
  private field: Field | null = null;
  private textOf: (() => Y.Text) | null = null;

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new TypeError('bindText() must be used on an element');
  }

  render(_text: () => Y.Text, _value: string): typeof nothing {
    return nothing;
  }

  override update(part: ElementPart, [text, value]: [() => Y.Text, string]): typeof nothing {
    const field = part.element as Field;
    if (this.field !== field) {
      this.unbind();
      this.field?.removeEventListener('focus', this.bind);
      this.field?.removeEventListener('blur', this.unbind);
      field.addEventListener('focus', this.bind);
      field.addEventListener('blur', this.unbind);
      this.field = field;
    }
    this.textOf = text;
    if (this.binding && this.binding.text !== text()) this.unbind();
    if (field.ownerDocument.activeElement === field) this.bind();
    else if (!this.binding && field.value !== value) field.value = value;
    return nothing;
  }

  protected override disconnected(): void {
    this.unbind();
  }

  protected override reconnected(): void {
    if (this.field?.ownerDocument.activeElement === this.field) this.bind();
  }

  private readonly bind = (): void => {
    if (!this.binding && this.field && this.textOf && this.isConnected) this.binding = new TextBinding(this.field, this.textOf());
  };

  private readonly unbind = (): void => {
    this.binding?.destroy();
    this.binding = null;
  };
}

export const bindText = directive(BindTextDirective);
