/** Renders within this long share one pass over the rows for controls rendered without a `tabindex`. */
const SWEEP_DELAY_MS = 200;

/**
 * The task rows as one composite widget (roving tabindex, after the WAI-ARIA grid pattern): the whole list is one Tab
 * stop, the active row's title, so Tab enters the list there and the next Tab leaves it. Inside: Arrow Up/Down move to
 * the same control of the previous or next row (a title's caret moves between its own lines first); Arrow Left/Right
 * move between the controls of a row (in a text field once the caret is at its start or end); Ctrl+Home/End (and
 * Home/End on a button or checkbox) go to the first or last row; Escape on a row's control goes back to its title.
 * The active row is the one last focused. Rows are the elements matching `rowSelector` under the root, in document
 * order; controls are told apart by `data-testid`.
 */
const FOCUSABLE = 'a[href], button, input, textarea, select, [contenteditable]';
/** The id of the visually hidden text that tells the list's keys; each title refers to it (none on touch screens). */
export const KEYS_HINT_ID = 'task-keys';
/** The one control of the active row in the Tab order. */
const ENTRY = 'task-title';

export class RovingRows {
  private activeId: string | null = null;
  /** The control last focused in a row, to find again when its row is rendered anew (completed, reopened). */
  private lastFocused: { element: HTMLElement; testId: string } | null = null;
  /** The row whose title is in the Tab order. */
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
   * After each render: the active row's title in the Tab order, every other control of every row out of it; and focus
   * back on the same control when its row was rendered anew while it had focus (a task completed moves to another
   * section). Rows render their controls with `tabindex="-1"`, so a render only needs the active row's title put back:
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
    if (this.tabbed && this.tabbed !== active) setEntryTabIndex(this.tabbed, '-1');
    this.tabbed = active;
    if (active) setEntryTabIndex(active, '0');
    this.sweepSoon();
  }

  private sweepTimer: ReturnType<typeof setTimeout> | undefined;

  private sweepSoon(): void {
    if (this.sweepTimer !== undefined) return;
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = undefined;
      for (const control of this.root.querySelectorAll<HTMLElement>(this.untabbed)) {
        control.setAttribute('tabindex', control.closest(this.rowSelector) === this.tabbed && control.dataset.testid === ENTRY ? '0' : '-1');
      }
    }, SWEEP_DELAY_MS);
  }

  /** Focuses the control `testId` (or the title) of the row `index` (clamped); false when there is no row. */
  focusRow(index: number, testId: string, caretAtEnd = false): boolean {
    const rows = this.rows();
    const row = rows[Math.max(0, Math.min(index, rows.length - 1))];
    if (!row) return false;
    const control = row.querySelector<HTMLElement>(`[data-testid="${testId}"]`) ?? row.querySelector<HTMLElement>(`[data-testid="${ENTRY}"]`);
    if (!control) return false;
    this.activeId = row.dataset.taskId ?? null;
    this.apply();
    control.focus();
    if (caretAtEnd && isTextField(control)) control.setSelectionRange(control.value.length, control.value.length);
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
    if (event.altKey || event.metaKey || event.shiftKey || event.isComposing || event.defaultPrevented) return;
    const target = event.target as HTMLElement;
    const row = target.closest<HTMLElement>(this.rowSelector);
    if (!row) return;
    const ctrl = event.ctrlKey;
    const testId = target.dataset.testid ?? ENTRY;
    const rows = this.rows();
    let moved = false;
    if (!ctrl && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      const up = event.key === 'ArrowUp';
      if (target.matches(this.ownArrows) || (target instanceof HTMLTextAreaElement && !caretAtEdge(target, up))) return;
      const index = rows.indexOf(row) + (up ? -1 : 1);
      if (index < 0 || index >= rows.length) return;
      moved = this.focusRow(index, testId, testId === ENTRY);
    } else if (!ctrl && (event.key === 'ArrowLeft' || event.key === 'ArrowRight')) {
      const back = event.key === 'ArrowLeft';
      if (isTextField(target) && !caretAtEnd(target, back)) return;
      const controls = [...row.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((control) => !control.matches(':disabled') && control.getClientRects().length > 0);
      const next = controls[controls.indexOf(target) + (back ? -1 : 1)];
      if (!next) return;
      next.focus();
      if (isTextField(next)) next.setSelectionRange(back ? next.value.length : 0, back ? next.value.length : 0);
      moved = true;
    } else if ((event.key === 'Home' || event.key === 'End') && (ctrl || isButtonLike(target))) {
      moved = this.focusRow(event.key === 'Home' ? 0 : rows.length - 1, testId, testId === ENTRY);
    } else if (!ctrl && event.key === 'Escape' && testId !== ENTRY) {
      moved = this.focusRow(rows.indexOf(row), ENTRY, true);
    }
    if (moved) event.preventDefault();
  };
}

function setEntryTabIndex(row: HTMLElement, tabIndex: '0' | '-1'): void {
  const entry = row.querySelector<HTMLElement>(`[data-testid="${ENTRY}"]`);
  if (entry && entry.getAttribute('tabindex') !== tabIndex) entry.setAttribute('tabindex', tabIndex);
}

type TextField = HTMLTextAreaElement | HTMLInputElement;

/** A field whose Arrow Left/Right move a caret (a date or a checkbox has none). */
function isTextField(element: Element): element is TextField {
  if (element instanceof HTMLTextAreaElement) return true;
  return element instanceof HTMLInputElement && ['text', 'search', 'url', 'email', 'tel', ''].includes(element.getAttribute('type') ?? '');
}

/** Controls whose Home/End mean nothing of their own. */
function isButtonLike(element: Element): boolean {
  return element instanceof HTMLButtonElement || (element instanceof HTMLInputElement && element.type === 'checkbox');
}

/** Whether Arrow Left (or Right) would leave a text field: its caret, with nothing selected, is at its start (or end). */
function caretAtEnd(field: TextField, back: boolean): boolean {
  if (field.selectionStart !== field.selectionEnd) return false;
  return back ? field.selectionStart === 0 : field.selectionEnd === field.value.length;
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
