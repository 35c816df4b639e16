/** Renders within this long share one pass over the rows for controls rendered without a `tabindex`. */
const SWEEP_DELAY_MS = 200;

/**
 * The task rows as one composite widget (roving tabindex): only the active row's controls are in the Tab order, so
 * Tab enters the list once and leaves it after that row; Arrow Up/Down move to the same control of the previous or
 * next row (a title's caret moves between its own lines first). The active row is the one last focused. Rows are
 * the elements matching `rowSelector` under the root, in document order; controls are told apart by `data-testid`.
 */
const FOCUSABLE = 'a[href], button, input, textarea, select, [contenteditable]';

export class RovingRows {
  private activeId: string | null = null;
  /** The control last focused in a row, to find again when its row is rendered anew (completed, reopened). */
  private lastFocused: { element: HTMLElement; testId: string } | null = null;
  /** The row whose controls are in the Tab order. */
  private tabbed: HTMLElement | null = null;
  /** Row controls rendered without a `tabindex`. */
  private readonly untabbed: string;

  constructor(
    private readonly root: HTMLElement,
    private readonly rowSelector: string,
    /** Controls whose own Arrow Up/Down mean something else (a reorder handle). */
    private readonly ownArrows: string,
  ) {
    this.untabbed = FOCUSABLE.split(', ')
      .map((control) => `${rowSelector} ${control}:not([tabindex])`)
      .join(', ');
    root.addEventListener('focusin', this.onFocusIn);
    root.addEventListener('keydown', this.onKeyDown);
  }

  destroy(): void {
    clearTimeout(this.sweepTimer);
    this.root.removeEventListener('focusin', this.onFocusIn);
    this.root.removeEventListener('keydown', this.onKeyDown);
  }

  rows(): HTMLElement[] {
    return [...this.root.querySelectorAll<HTMLElement>(this.rowSelector)];
  }

  /**
   * After each render: the active row's controls in the Tab order, every other row's out of it; and focus back on
   * the same control when its row was rendered anew while it had focus (a task completed moves to another section).
   * Rows render their controls with `tabindex="-1"`, so a render only needs the active row's put back in the Tab order:
   * a pass over every control of a thousand rows after each render cost more than the render itself while a big list
   * arrived. Controls a row renders without a `tabindex` (a task's versions, rendered by their own element) are taken
   * out of the Tab order a moment later, by one pass over the rows however many renders happened meanwhile.
   */
  apply(): void {
    const last = this.lastFocused;
    if (last && !last.element.isConnected && this.activeId !== null) {
      this.lastFocused = null;
      const index = this.rows().findIndex((row) => row.dataset.taskId === this.activeId);
      if (index >= 0 && (document.activeElement === null || document.activeElement === document.body)) this.focusRow(index, last.testId);
    }
    const active =
      (this.activeId !== null && this.root.querySelector<HTMLElement>(`${this.rowSelector}[data-task-id="${CSS.escape(this.activeId)}"]`)) ||
      this.root.querySelector<HTMLElement>(this.rowSelector);
    if (this.tabbed && this.tabbed !== active) setTabIndex(this.tabbed, '-1');
    this.tabbed = active;
    if (active) setTabIndex(active, '0');
    this.sweepSoon();
  }

  private sweepTimer: ReturnType<typeof setTimeout> | undefined;

  private sweepSoon(): void {
    if (this.sweepTimer !== undefined) return;
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = undefined;
      for (const control of this.root.querySelectorAll<HTMLElement>(this.untabbed)) {
        control.setAttribute('tabindex', control.closest(this.rowSelector) === this.tabbed ? '0' : '-1');
      }
    }, SWEEP_DELAY_MS);
  }

  /** Focuses the control `testId` (or the title) of the row `index` (clamped); false when there is no row. */
  focusRow(index: number, testId: string, caretAtEnd = false): boolean {
    const rows = this.rows();
    const row = rows[Math.max(0, Math.min(index, rows.length - 1))];
    if (!row) return false;
    const control = row.querySelector<HTMLElement>(`[data-testid="${testId}"]`) ?? row.querySelector<HTMLElement>('[data-testid="task-title"]');
    if (!control) return false;
    this.activeId = row.dataset.taskId ?? null;
    this.apply();
    control.focus();
    if (caretAtEnd && (control instanceof HTMLTextAreaElement || control instanceof HTMLInputElement)) {
      control.setSelectionRange(control.value.length, control.value.length);
    }
    return true;
  }

  private readonly onFocusIn = (event: FocusEvent): void => {
    const target = event.target as HTMLElement;
    const row = target.closest<HTMLElement>(this.rowSelector);
    this.lastFocused = row && target.dataset.testid ? { element: target, testId: target.dataset.testid } : null;
    if (!row || row.dataset.taskId === this.activeId) return;
    this.activeId = row.dataset.taskId ?? null;
    this.apply();
  };

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.isComposing || event.defaultPrevented) return;
    const target = event.target as HTMLElement;
    const row = target.closest<HTMLElement>(this.rowSelector);
    if (!row || target.matches(this.ownArrows)) return;
    const up = event.key === 'ArrowUp';
    if (target instanceof HTMLTextAreaElement && !caretAtEdge(target, up)) return;
    const rows = this.rows();
    const index = rows.indexOf(row) + (up ? -1 : 1);
    if (index < 0 || index >= rows.length) return;
    event.preventDefault();
    this.focusRow(index, target.dataset.testid ?? 'task-title', target.dataset.testid === 'task-title');
  };
}

function setTabIndex(row: HTMLElement, tabIndex: '0' | '-1'): void {
  for (const control of row.querySelectorAll<HTMLElement>(FOCUSABLE)) {
    if (control.getAttribute('tabindex') !== tabIndex) control.setAttribute('tabindex', tabIndex);
  }
}

/** Whether Arrow Up (or Down) would leave a text area: its caret is on its first (or last) line. */
function caretAtEdge(field: HTMLTextAreaElement, up: boolean): boolean {
  if (field.selectionStart !== field.selectionEnd) return false;
  const style = getComputedStyle(field);
  const lineHeight = parseFloat(style.lineHeight) || 20;
  const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
  const oneLine = field.scrollHeight - padding < lineHeight * 1.5;
  if (oneLine) return true;
  return up ? field.selectionStart === 0 : field.selectionEnd === field.value.length;
}
