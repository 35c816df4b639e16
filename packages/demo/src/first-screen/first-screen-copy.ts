/**
 * The first screen of a list as this device last showed it, kept in localStorage so index.html's inline script can
 * paint it before the app's script has loaded. After a browser restart, reading a list back from IndexedDB and
 * rendering it takes several hundred milliseconds (opening the database alone takes about 100 ms in headless
 * Chromium); a synchronous read of a few tens of kilobytes of markup takes a millisecond or two. The copy is the page's own rendering
 * (its header and the rows that fit in the window), made inert: fields read-only, controls disabled, no status but
 * "opening". The app replaces it in the same task as it renders the list itself.
 */

/** The key prefix index.html's inline script reads (`concord:first-screen:<list id>`): both sides must agree. */
export const FIRST_SCREEN_PREFIX = 'concord:first-screen:';
/** The ids of the lists with a copy, most recently saved first. */
const INDEX_KEY = 'concord:first-screens';
/** Copies of more lists than this are dropped, least recently saved first. */
const MAX_LISTS = 8;
/** A copy is saved at most this often while the list changes, and at once when the page is hidden. */
const SAVE_INTERVAL_MS = 500;

/** What is stored per list; `v` changes when index.html's inline script would read it differently. */
interface StoredCopy {
  readonly v: 1;
  /** The page: an inert `.scroller` holding the header and the first rows. */
  readonly html: string;
  readonly title: string;
  readonly savedAt: number;
}

/**
 * Serialises `root`'s page (a rendered `concord-app`) with its current values, inert: the rows that start within
 * `height` pixels of the list's top (the window's height: what the first screen can show; each row costs the first
 * frame its style and layout).
 * Only the header and the tasks region are kept: notices, panels and the toast describe a moment, not the list, and the
 * sync status would be stale (a copy saying "synced" while the page has not synced would lie).
 */
export function captureFirstScreen(root: Element, height: number): string | null {
  const scroller = root.querySelector(':scope > .scroller');
  const header = scroller?.querySelector(':scope > header.topbar');
  const main = scroller?.querySelector(':scope > main.card');
  const list = main?.querySelector(':scope > ul.tasks');
  if (!scroller || !header || !main || !list) return null;
  const copy = scroller.cloneNode(false) as HTMLElement;
  copy.dataset['firstScreen'] = '';
  copy.setAttribute('aria-busy', 'true');
  copy.append(inertClone(header), opening());
  const mainCopy = main.cloneNode(false) as HTMLElement;
  for (const child of main.children) {
    if (child === list) {
      const listCopy = list.cloneNode(false) as HTMLElement;
      const top = list.getBoundingClientRect().top;
      for (let row = list.firstElementChild; row && row.getBoundingClientRect().top - top < height; row = row.nextElementSibling) listCopy.append(inertClone(row));
      mainCopy.append(listCopy);
    } else if (child.matches('h2, form')) {
      mainCopy.append(inertClone(child));
    }
  }
  copy.append(mainCopy);
  return copy.outerHTML;
}

/** A deep copy of `element` whose form fields hold their current values as markup, and which nothing can edit. */
function inertClone(element: Element): Element {
  const copy = element.cloneNode(true) as Element;
  const fields = element.querySelectorAll<FormField>('input, textarea, select');
  copy.querySelectorAll<FormField>('input, textarea, select').forEach((target, index) => {
    const field = fields[index]!;
    if (target instanceof HTMLTextAreaElement) target.textContent = field.value;
    else if (target instanceof HTMLSelectElement) target.querySelectorAll('option').forEach((option, at) => option.toggleAttribute('selected', at === (field as HTMLSelectElement).selectedIndex));
    else if (target.type === 'checkbox' || target.type === 'radio') target.toggleAttribute('checked', (field as HTMLInputElement).checked);
    else target.setAttribute('value', field.value);
    // Text keeps its look read-only; the other controls are disabled.
    target.toggleAttribute(TEXT_FIELD.test(target.type) ? 'readonly' : 'disabled', true);
  });
  copy.querySelectorAll('button').forEach((button) => button.setAttribute('disabled', ''));
  copy.querySelectorAll('[contenteditable]').forEach((editable) => editable.removeAttribute('contenteditable'));
  // Menus (the list switcher) open closed.
  copy.querySelectorAll('details[open]').forEach((menu) => menu.removeAttribute('open'));
  copy.querySelectorAll('[tabindex="0"]').forEach((stop) => stop.setAttribute('tabindex', '-1'));
  // Only the hooks that read the list keep their names: the ones a script waits on to act on the page (the new-task
  // field, the sync status) appear with the app itself.
  copy.querySelectorAll('[data-testid]').forEach((hook) => {
    if (!KEPT_HOOKS.has(hook.getAttribute('data-testid')!)) hook.removeAttribute('data-testid');
  });
  if (copy.hasAttribute('data-testid') && !KEPT_HOOKS.has(copy.getAttribute('data-testid')!)) copy.removeAttribute('data-testid');
  // Lit's markers (comments) go, and the templates' indentation becomes one space (which renders the same): the copy
  // is about half the size.
  const walker = document.createTreeWalker(copy, NodeFilter.SHOW_COMMENT | NodeFilter.SHOW_TEXT);
  const markers: Node[] = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.nodeType === Node.COMMENT_NODE) markers.push(node);
    else if (node.parentElement?.localName !== 'textarea' && /^\s+$/.test(node.nodeValue!)) node.nodeValue = ' ';
  }
  for (const marker of markers) marker.parentNode?.removeChild(marker);
  return copy;
}

/** The `data-testid`s the copy keeps: the list's name, its rows, their titles and completion. */
const KEPT_HOOKS = new Set(['list-name', 'task-list', 'task', 'task-title', 'task-toggle']);

type FormField = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
/** The `type`s of fields that take typed text: made read-only rather than disabled. */
const TEXT_FIELD = /^(textarea|text|search|email|url|tel|number)$/;

/** The status line of the copy: the page is opening the list; nothing is known about the relay yet. */
function opening(): HTMLElement {
  const section = document.createElement('section');
  section.className = 'statusbar';
  section.setAttribute('aria-label', 'Connection');
  section.innerHTML = '<div class="sync"><span class="sync-dot sync-dot--connecting" aria-hidden="true"></span><span class="sync-state">opening</span></div>';
  return section;
}

/** Keeps one list's copy up to date: `changed()` after each render, `saveNow()` when the page is hidden. */
export class FirstScreenCopy {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private savedAt = 0;
  private forgotten = false;

  constructor(
    private readonly storage: Storage,
    private readonly listId: string,
    private readonly capture: () => string | null,
  ) {}

  /** The page changed: saves within SAVE_INTERVAL_MS, when the browser is idle. */
  changed(): void {
    if (this.timer !== undefined || this.forgotten) return;
    const wait = Math.max(0, this.savedAt + SAVE_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => requestIdleCallback(() => this.saveNow(), { timeout: SAVE_INTERVAL_MS }), wait);
  }

  saveNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.forgotten) return;
    const html = this.capture();
    if (html === null) return;
    this.savedAt = Date.now();
    const copy: StoredCopy = { v: 1, html, title: document.title, savedAt: this.savedAt };
    try {
      this.storage.setItem(FIRST_SCREEN_PREFIX + this.listId, JSON.stringify(copy));
      remember(this.storage, this.listId);
    } catch {
      // A full localStorage: the page opens as it would without a copy.
      this.storage.removeItem(FIRST_SCREEN_PREFIX + this.listId);
    }
  }

  /** Removes the copy (this device leaves the list). */
  forget(): void {
    this.forgotten = true;
    this.destroy();
    this.storage.removeItem(FIRST_SCREEN_PREFIX + this.listId);
  }

  destroy(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Puts `listId` first in the index of saved copies and removes the copies beyond MAX_LISTS. */
function remember(storage: Storage, listId: string): void {
  let ids: unknown;
  try {
    ids = JSON.parse(storage.getItem(INDEX_KEY) ?? '[]');
  } catch {
    ids = [];
  }
  const order = [listId, ...(Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string' && id !== listId) : [])];
  for (const dropped of order.slice(MAX_LISTS)) storage.removeItem(FIRST_SCREEN_PREFIX + dropped);
  storage.setItem(INDEX_KEY, JSON.stringify(order.slice(0, MAX_LISTS)));
}
