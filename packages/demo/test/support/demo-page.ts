import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { waitFor } from '../../../relay/test/support/wait.js';
import { DEMO_DIR } from './relay.js';

export const OUTPUT_DIR = join(DEMO_DIR, 'test-output');

export interface RowState {
  readonly id: string;
  readonly title: string;
  readonly completed: boolean;
}

export interface ListState {
  readonly live: RowState[];
  readonly trash: RowState[];
}

/** `waitFor` with the browser tests' pace: a page round trip per check, 20 s to settle by default. */
export function until<T>(check: () => Promise<T> | T, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  return waitFor(check, what, timeoutMs, 100);
}

const errorsByPage = new WeakMap<Page, string[]>();

/** Opens the demo on a list as a user; resolves once the list is on screen. Page errors fail loudly. */
export async function openDemo(context: BrowserContext, baseUrl: string, list: string, user: string): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  errorsByPage.set(page, errors);
  // CONCORD_DEMO_STORAGE=y-indexeddb|single runs the suite against one local storage adapter (default: core's default).
  const storage = process.env.CONCORD_DEMO_STORAGE ? `&storage=${encodeURIComponent(process.env.CONCORD_DEMO_STORAGE)}` : '';
  await page.goto(`${baseUrl}/?list=${encodeURIComponent(list)}&user=${encodeURIComponent(user)}${storage}`);
  await page.getByTestId('new-task-input').waitFor({ timeout: 15_000 });
  return page;
}

/** Opens an address the app produced (a share link, say), with no `?user=`: the page's own identity. */
export async function openUrl(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  errorsByPage.set(page, errors);
  await page.goto(url);
  await page.getByTestId('new-task-input').waitFor({ timeout: 15_000 });
  return page;
}

/** The list name the page shows (its h1). */
export async function listName(page: Page): Promise<string> {
  return ((await page.getByTestId('list-name').textContent()) ?? '').trim();
}

/** Presses Share and reads the link it made. */
export async function shareUrl(page: Page): Promise<string> {
  await page.getByTestId('share-link').click();
  return until(async () => {
    const value = await page.getByTestId('share-url').inputValue();
    return value.startsWith('http') ? value : undefined;
  }, 'a share link');
}

/** Creates a list from the switcher, as a person would: open it, type a name, press Enter; resolves on the new list. */
export async function createList(page: Page, name: string): Promise<void> {
  await page.getByTestId('list-switcher').click();
  await page.getByTestId('list-create').fill(name);
  await Promise.all([page.waitForURL((url) => url.searchParams.get('list')?.startsWith(slugOf(name)) === true), page.getByTestId('list-create').press('Enter')]);
  await page.getByTestId('new-task-input').waitFor();
  await until(async () => (await listName(page)) === name, `the list name "${name}"`);
}

function slugOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export function pageErrors(page: Page): readonly string[] {
  return errorsByPage.get(page) ?? [];
}

export async function addTask(page: Page, title: string): Promise<void> {
  const input = page.getByTestId('new-task-input');
  await input.fill(title);
  await input.press('Enter');
  await until(async () => (await titles(page)).includes(title), `task "${title}" to appear`);
}

/** The list as the page shows it: live rows in order, and the trash (from the rows' and trash items' DOM). */
export async function readList(page: Page): Promise<ListState> {
  return page.evaluate(() => {
    const live = [...document.querySelectorAll<HTMLElement>('[data-testid="task"]')].map((row) => ({
      id: row.dataset.taskId ?? '',
      title: row.querySelector<HTMLInputElement>('[data-testid="task-title"]')?.value ?? '',
      completed: row.querySelector<HTMLInputElement>('[data-testid="task-toggle"]')?.checked ?? false,
    }));
    const list = window.concordDemo?.list;
    const trash = (list?.trash() ?? []).map((task) => ({ id: task.id, title: task.title, completed: task.completed }));
    trash.sort((a, b) => a.id.localeCompare(b.id));
    return { live, trash };
  });
}

export async function titles(page: Page): Promise<string[]> {
  return (await readList(page)).live.map((row) => row.title);
}

/** The row whose title field currently holds `title` (input values are not in the DOM text, so match by evaluation). */
export async function rowId(page: Page, title: string): Promise<string> {
  return until(
    async () => (await readList(page)).live.find((candidate) => candidate.title === title)?.id,
    `a row titled "${title}"`,
  );
}

export async function syncState(page: Page): Promise<{ state: string; pending: number }> {
  const state = (await page.getByTestId('sync-status').textContent())?.trim() ?? '';
  const pending = Number((await page.getByTestId('pending-count').textContent())?.trim());
  return { state, pending };
}

/** Ada and Bo, each in their own browser context, on `list`; resolves once both are synced. */
export async function openTwoWindows(contexts: readonly BrowserContext[], baseUrl: string, list: string): Promise<[Page, Page]> {
  const ada = await openDemo(contexts[0]!, baseUrl, list, 'Ada');
  const bo = await openDemo(contexts[1]!, baseUrl, list, 'Bo');
  await Promise.all([waitForState(ada, 'synced'), waitForState(bo, 'synced')]);
  return [ada, bo];
}

export async function waitForState(page: Page, state: string, timeoutMs = 20_000): Promise<void> {
  await until(async () => (await syncState(page)).state === state, `sync-status "${state}"`, timeoutMs);
}

/** Types at the end of a task's title, as a person would (click, End, keys `delay` ms apart). */
export async function typeInTitle(page: Page, taskId: string, text: string, delay = 10): Promise<void> {
  const title = page.locator(`[data-task-id="${taskId}"] [data-testid="task-title"]`);
  await title.click();
  await title.press('End');
  await page.keyboard.type(text, { delay });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const path = join(OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

