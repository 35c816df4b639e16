import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addTask, openDemo, pageErrors, readList, until, waitForState } from './support/demo-page.js';
import { uniqueList, useFixture } from './support/fixture.js';

/** What one frame of a reopened page showed: the copy index.html painted, the app's own page, or both. */
interface CopyFrame {
  readonly copy: boolean;
  readonly app: boolean;
  /** How many pages (the copy, the app's) were in the document. */
  readonly pages: number;
  readonly titles: string[];
}

declare global {
  interface Window {
    copyFrames?: CopyFrame[];
  }
}

/** Runs in the page from its first frame: what each frame holds. */
function sampleCopyFrames(): void {
  const frames: CopyFrame[] = [];
  window.copyFrames = frames;
  const sample = () => {
    frames.push({
      copy: document.querySelector('[data-first-screen]') !== null,
      app: document.querySelector('[data-testid="new-task-input"]') !== null,
      pages: document.querySelectorAll('concord-app > .scroller').length,
      titles: [...document.querySelectorAll<HTMLTextAreaElement>('[data-testid="task-title"]')].map((title) => title.value),
    });
    requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
}

/** The markup of `list`'s copy in the page's localStorage ('' without one). */
function savedCopy(page: Page, list: string): Promise<string> {
  return page.evaluate((key) => (JSON.parse(localStorage.getItem(key) ?? '{"html":""}') as { html: string }).html, `concord:first-screen:${list}`);
}

/** Holds back the app's code (its chunk) until `release` is called: the page shows what it has without it. */
async function holdApp(page: Page): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/assets\/app-start-[^/]+\.js$/, async (route: Route) => {
    await released;
    await route.continue();
  });
  return release;
}

/**
 * Reopening a list shows this device's copy of its first screen before the app's code has run (index.html paints it
 * from localStorage), inert, and the app replaces it in one frame once it has the list.
 */
describe('first screen from the local copy', () => {
  const fixture = useFixture([{ viewport: { width: 900, height: 800 }, serviceWorkers: 'block' }]);

  it('paints the list as last shown, read-only, then hands over to the app with no frame showing both', async () => {
    const list = uniqueList('copy');
    const first = await openDemo(fixture.contexts[0]!, fixture.baseUrl, list, 'Ada');
    const hostile = '<img src=x onerror="window.injected=1">Buy <b>milk</b>';
    for (const title of ['Book the venue', hostile, 'Send invitations']) await addTask(first, title);
    await first.locator('[data-testid="task"]').nth(2).getByTestId('task-toggle').check();
    await waitForState(first, 'synced');
    const shown = await readList(first);
    // The copy follows the page within a second of a change.
    await until(() => savedCopy(first, list).then((html) => html.includes('Send invitations') === false && html.includes('Book the venue')), 'the copy to hold the open tasks');
    await first.close();

    const page = await fixture.contexts[0]!.newPage();
    await page.addInitScript(sampleCopyFrames);
    const release = await holdApp(page);
    await page.goto(`${fixture.baseUrl}/?list=${encodeURIComponent(list)}&user=Ada`);

    // Without the app's code: the rows as they were, their titles as text (markup in a title stays text).
    await until(() => page.evaluate(() => document.querySelector('[data-first-screen]') !== null), 'the copy to be painted');
    const copyRows = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('[data-first-screen] [data-testid="task"]')].map((row) => ({
        id: row.dataset['taskId'],
        title: row.querySelector<HTMLTextAreaElement>('[data-testid="task-title"]')!.value,
        readOnly: row.querySelector<HTMLTextAreaElement>('[data-testid="task-title"]')!.readOnly,
        toggleDisabled: row.querySelector<HTMLInputElement>('[data-testid="task-toggle"]')!.disabled,
      })),
    );
    expect(copyRows).toEqual(shown.live.filter((row) => !row.completed).map((row) => ({ id: row.id, title: row.title, readOnly: true, toggleDisabled: true })));
    expect(await page.evaluate(() => (window as { injected?: number }).injected)).toBeUndefined();
    expect(await page.getByTestId('list-name').textContent()).toBe(list);
    // Nothing a script waits on to act (the new-task field, the sync status) exists before the app.
    expect(await page.getByTestId('new-task-input').count()).toBe(0);
    expect(await page.getByTestId('sync-status').count()).toBe(0);
    expect(await page.locator('[data-first-screen] .sync-state').textContent()).toBe('opening');

    release();
    await page.getByTestId('new-task-input').waitFor();
    await until(async () => JSON.stringify((await readList(page)).live) === JSON.stringify(shown.live), 'the app to show the list');
    expect(await page.locator('[data-first-screen]').count()).toBe(0);
    expect(await page.locator('concord-app > .scroller').count()).toBe(1);
    const frames = (await page.evaluate(() => window.copyFrames))!;
    expect(frames.some((frame) => frame.copy)).toBe(true);
    expect(frames.filter((frame) => (frame.copy && frame.app) || frame.pages > 1)).toEqual([]);
    // From the first frame with the copy on, every frame shows the tasks: the copy's, then the app's.
    const fromCopy = frames.slice(frames.findIndex((frame) => frame.copy));
    expect(fromCopy.filter((frame) => !frame.titles.includes('Book the venue'))).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
    await page.close();

    // The bare address opens the most recent list: painted from its copy too.
    const bare = await fixture.contexts[0]!.newPage();
    const releaseBare = await holdApp(bare);
    await bare.goto(`${fixture.baseUrl}/`);
    await until(() => bare.evaluate(() => document.querySelectorAll('[data-first-screen] [data-testid="task"]').length === 2), 'the copy of the most recent list');
    releaseBare();
    await bare.close();
  });

  it('is saved as the page was when it closed', async () => {
    const list = uniqueList('copy-close');
    const page = await openDemo(fixture.contexts[0]!, fixture.baseUrl, list, 'Ada');
    await addTask(page, 'Written just before closing');
    await page.close();
    const check = await fixture.contexts[0]!.newPage();
    await check.goto(`${fixture.baseUrl}/icon.svg`);
    expect(await savedCopy(check, list)).toContain('Written just before closing');
    await check.close();
  });

  it('is dropped when this device leaves the list', async () => {
    const list = uniqueList('copy-leave');
    const page = await openDemo(fixture.contexts[0]!, fixture.baseUrl, list, 'Ada');
    await addTask(page, 'Kept until leaving');
    await until(() => savedCopy(page, list).then((html) => html.includes('Kept until leaving')), 'the copy to be saved');
    await page.getByTestId('list-switcher').click();
    await Promise.all([page.waitForURL((url) => url.searchParams.get('list') !== list), page.getByTestId('list-leave').click()]);
    expect(await savedCopy(page, list)).toBe('');
    await page.close();
  });
});
