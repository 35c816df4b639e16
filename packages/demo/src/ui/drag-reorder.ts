/**
 * Reorder by dragging a row's handle, with the mouse, a pen or a finger (pointer events, so it also works on phones,
 * where HTML5 drag and drop does not). Rows are the container's children carrying `data-task-id`; the handle is any
 * element inside a row matching `handleSelector`. Escape cancels a drag.
 */
export class DragReorder {
  private drag: {
    readonly pointerId: number;
    readonly row: HTMLElement;
    readonly startY: number;
    readonly others: { readonly id: string; readonly element: HTMLElement; readonly middle: number }[];
    target: number;
  } | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly handleSelector: string,
    private readonly onDrop: (id: string, afterId: string | null) => void,
  ) {
    container.addEventListener('pointerdown', this.onPointerDown);
  }

  destroy(): void {
    this.cancel();
    this.container.removeEventListener('pointerdown', this.onPointerDown);
  }

  private readonly onPointerDown = (event: PointerEvent): void => {
    if (event.button !== 0 || this.drag) return;
    const handle = (event.target as Element).closest<HTMLElement>(this.handleSelector);
    const row = handle?.closest<HTMLElement>('[data-task-id]');
    if (!handle || !row || row.parentElement !== this.container) return;
    event.preventDefault();
    handle.setPointerCapture(event.pointerId);
    const rows = [...this.container.querySelectorAll<HTMLElement>(':scope > [data-task-id]')];
    const others = rows
      .filter((candidate) => candidate !== row)
      .map((element) => {
        const rect = element.getBoundingClientRect();
        return { id: element.dataset.taskId!, element, middle: rect.top + rect.height / 2 };
      });
    this.drag = { pointerId: event.pointerId, row, startY: event.clientY, others, target: rows.indexOf(row) };
    row.classList.add('dragging');
    handle.addEventListener('pointermove', this.onPointerMove);
    handle.addEventListener('pointerup', this.onPointerUp);
    handle.addEventListener('pointercancel', this.cancel);
    window.addEventListener('keydown', this.onKeyDown, true);
  };

  private readonly onPointerMove = (event: PointerEvent): void => {
    const drag = this.drag;
    if (!drag || event.pointerId !== drag.pointerId) return;
    drag.row.style.transform = `translateY(${event.clientY - drag.startY}px)`;
    drag.target = drag.others.filter((other) => other.middle < event.clientY).length;
    drag.others.forEach((other, index) => {
      other.element.classList.toggle('drop-before', index === drag.target);
      other.element.classList.toggle('drop-after', index === drag.target - 1 && drag.target === drag.others.length);
    });
  };

  private readonly onPointerUp = (event: PointerEvent): void => {
    const drag = this.drag;
    if (!drag || event.pointerId !== drag.pointerId) return;
    const id = drag.row.dataset.taskId!;
    const afterId = drag.target === 0 ? null : drag.others[drag.target - 1]!.id;
    const currentAfter = drag.row.previousElementSibling as HTMLElement | null;
    const unchanged = (currentAfter?.dataset.taskId ?? null) === afterId;
    this.cancel();
    if (!unchanged) this.onDrop(id, afterId);
  };

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') {
      event.preventDefault();
      this.cancel();
    }
  };

  private readonly cancel = (): void => {
    const drag = this.drag;
    if (!drag) return;
    this.drag = null;
    drag.row.classList.remove('dragging');
    drag.row.style.transform = '';
    for (const other of drag.others) other.element.classList.remove('drop-before', 'drop-after');
    const handle = drag.row.querySelector<HTMLElement>(this.handleSelector);
    if (handle?.hasPointerCapture(drag.pointerId)) handle.releasePointerCapture(drag.pointerId);
    handle?.removeEventListener('pointermove', this.onPointerMove);
    handle?.removeEventListener('pointerup', this.onPointerUp);
    handle?.removeEventListener('pointercancel', this.cancel);
    window.removeEventListener('keydown', this.onKeyDown, true);
  };
}
