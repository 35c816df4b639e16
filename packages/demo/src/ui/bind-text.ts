import { bindTextInput, type TaskId, type TaskList, type TaskTextField, type TextInputBinding } from '@concord/core';
import { nothing } from 'lit';
import { AsyncDirective, directive, PartType, type ElementPart, type PartInfo } from 'lit/async-directive.js';

type Field = HTMLInputElement | HTMLTextAreaElement;

interface Target {
  readonly list: TaskList;
  readonly taskId: TaskId;
  readonly field: TaskTextField;
}

/**
 * `<input ${bindText(list, id, 'title', task.title)}>`: shows `value` while the field is not being edited, and binds
 * it with core's `bindTextInput` (character-level splices, caret kept through remote edits) while it has focus.
 * Binding on focus, not on render, means a 1,000-task list renders from the tasks' values without applying 1,000 task
 * documents first; only the one being edited needs its document.
 */
class BindTextDirective extends AsyncDirective {
  private binding: TextInputBinding | null = null;
  private bound: Target | null = null;
  private element: Field | null = null;
  private target: Target | null = null;

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new TypeError('bindText() must be used on an element');
  }

  render(_list: TaskList, _taskId: TaskId, _field: TaskTextField, _value: string): typeof nothing {
    return nothing;
  }

  override update(part: ElementPart, [list, taskId, field, value]: [TaskList, TaskId, TaskTextField, string]): typeof nothing {
    const element = part.element as Field;
    if (this.element !== element) {
      this.unbind();
      this.element?.removeEventListener('focus', this.bind);
      this.element?.removeEventListener('blur', this.unbind);
      element.addEventListener('focus', this.bind);
      element.addEventListener('blur', this.unbind);
      this.element = element;
    }
    this.target = { list, taskId, field };
    const bound = this.bound;
    if (bound && (bound.list !== list || bound.taskId !== taskId || bound.field !== field)) this.unbind();
    if (element.ownerDocument.activeElement === element) this.bind();
    else if (!this.binding && element.value !== value) element.value = value;
    return nothing;
  }

  protected override disconnected(): void {
    this.unbind();
  }

  protected override reconnected(): void {
    if (this.element?.ownerDocument.activeElement === this.element) this.bind();
  }

  private readonly bind = (): void => {
    const { element, target } = this;
    if (this.binding || !element || !target || !this.isConnected) return;
    this.binding = bindTextInput(element, target.list, target.taskId, target.field);
    this.bound = target;
  };

  private readonly unbind = (): void => {
    this.binding?.destroy();
    this.binding = null;
    this.bound = null;
  };
}

export const bindText = directive(BindTextDirective);
