import { nothing } from 'lit';
import { AsyncDirective, directive, PartType, type ElementPart, type PartInfo } from 'lit/async-directive.js';
import type * as Y from 'yjs';
import { TextBinding } from '../text-binding.js';

/**
 * `<input ${bindText(text)}>`: keeps the field bound to a Y.Text while it is in the page (see TextBinding). Rebinds
 * when given another Y.Text; unbinds when the element leaves the page.
 */
class BindTextDirective extends AsyncDirective {
  private binding: TextBinding | null = null;
  private field: HTMLInputElement | HTMLTextAreaElement | null = null;
  private text: Y.Text | null = null;

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new TypeError('bindText() must be used on an element');
  }

  render(_text: Y.Text): typeof nothing {
    return nothing;
  }

  override update(part: ElementPart, [text]: [Y.Text]): typeof nothing {
    const field = part.element as HTMLInputElement | HTMLTextAreaElement;
    if (this.binding && (this.text !== text || this.field !== field)) this.unbind();
    this.field = field;
    this.text = text;
    if (!this.binding && this.isConnected) this.binding = new TextBinding(field, text);
    return nothing;
  }

  protected override disconnected(): void {
    this.unbind();
  }

  protected override reconnected(): void {
    if (this.field && this.text && !this.binding) this.binding = new TextBinding(this.field, this.text);
  }

  private unbind(): void {
    this.binding?.destroy();
    this.binding = null;
  }
}

export const bindText = directive(BindTextDirective);
