import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { until } from './support/demo-page.js';
import { uniqueList } from './support/fixture.js';
import { DEMO_DIR, startRelay, type RunningRelay } from './support/relay.js';

// The React example (examples/react: @concord/core/react hooks, bindTextInput, presence) built with Vite, served by the
// real relay, in two Chromium contexts: one edits offline by choice, the other online, then they merge. The same page
// runs built against React 19 (dist) and React 18 (dist-react18): the hooks support both.
const BUILDS = [
  { react: '19', dist: join(DEMO_DIR, 'examples', 'react', 'dist') },
  { react: '18', dist: join(DEMO_DIR, 'examples', 'react', 'dist-react18') },
];

describe.each(BUILDS)('the React example page on React $react', ({ react, dist: EXAMPLE_DIST }) => {
  let relay: RunningRelay;
  let browser: Browser;
  let close: () => Promise<void>;

  beforeAll(async () => {
    if (!existsSync(join(EXAMPLE_DIST, 'index.html'))) throw new Error(`${EXAMPLE_DIST} is missing: run \`pnpm --filter @concord/demo build\` first`);
    relay = await startRelay({ staticDir: EXAMPLE_DIST });
    ({ browser, close } = await launchBrowser());
  });
  afterAll(async () => {
    await close?.();
    await relay?.stop();
  });

  async function open(list: string, user: string): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${relay.httpUrl}/?list=${encodeURIComponent(list)}&user=${encodeURIComponent(user)}`);
    await page.getByTestId('new-task').waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => document.documentElement.dataset['react'])).toMatch(new RegExp(`^${react}\\.`));
    return { page, errors };
  }
  const titles = (page: Page) => page.locator('[data-testid="title"]').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
  const status = async (page: Page) => (await page.getByTestId('status').textContent())?.trim();
  async function add(page: Page, title: string): Promise<void> {
    await page.getByTestId('new-task').fill(title);
    await page.getByTestId('new-task').press('Enter');
    await until(async () => (await titles(page)).includes(title), `"${title}" to show`);
  }

  it('edits a list with another browser context offline and back', async () => {
    const list = uniqueList('react');
    const ada = await open(list, 'Ada');
    const bo = await open(list, 'Bo');
    await until(async () => (await status(ada.page)) === 'synced' && (await status(bo.page)) === 'synced', 'both synced');
    await until(async () => (await bo.page.getByTestId('peers').textContent())?.includes('Ada'), 'Bo sees Ada on the list');

    await add(ada.page, 'Milk');
    await until(async () => (await titles(bo.page)).join() === 'Milk', 'Milk at Bo');

    // Bo works offline: his edits stay on his device, counted as not yet saved.
    await bo.page.getByTestId('offline').check();
    await until(async () => (await status(bo.page)) === 'offline', 'Bo offline');
    await add(bo.page, 'Bread');
    const boTitle = bo.page.locator('[data-testid="title"]').first();
    await boTitle.click();
    await boTitle.press('End');
    await bo.page.keyboard.type(' (oat)', { delay: 10 });
    await bo.page.getByTestId('toggle').first().check();
    await until(async () => (await bo.page.getByTestId('unsaved').textContent()) === '2', 'two tasks not yet saved at Bo');
    await add(ada.page, 'Eggs');
    expect(await titles(bo.page)).toEqual(['Milk (oat)', 'Bread']); // nothing of Ada's arrives while Bo is offline
    expect(await titles(ada.page)).toEqual(['Milk', 'Eggs']);

    // Back online: both lists merge to the same tasks, everything saved.
    await bo.page.getByTestId('offline').uncheck();
    const merged = ['Milk (oat)', 'Bread', 'Eggs'];
    for (const { page } of [ada, bo]) {
      await until(async () => (await status(page)) === 'synced' && (await page.getByTestId('unsaved').textContent()) === '0', 'synced after the merge');
      await until(async () => [...(await titles(page))].sort().join() === [...merged].sort().join(), 'the merged list');
    }
    expect(await titles(ada.page)).toEqual(await titles(bo.page));
    expect(await ada.page.getByTestId('toggle').first().isChecked()).toBe(true);
    expect(ada.errors).toEqual([]);
    expect(bo.errors).toEqual([]);
  });
});
