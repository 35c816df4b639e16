import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addTask, openDemo, pageErrors, readList, rowId, screenshot, syncState, typeInTitle, until, waitForState } from './support/demo-page.js';
import { uniqueList, useFixture } from './support/fixture.js';

/** The service worker opens the page with no network at all, and IndexedDB still holds every edit, sent or not. */
describe('reload with no network', () => {
  const fixture = useFixture([{ viewport: { width: 900, height: 800 } }]);
  let page: Page;
  const list = uniqueList('reload');

  beforeAll(async () => {
    page = await openDemo(fixture.contexts[0]!, fixture.baseUrl, list, 'Ada');
    // The app shell is precached before the worker activates; once it controls the page, a reload goes through it.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
  });


  it('reopens from the service worker and shows every edit, including unsent ones', async () => {
    await addTask(page, 'Saved on the relay');
    await waitForState(page, 'synced');

    // The browser loses the network; the page's transport must notice by itself (offline event or heartbeat).
    await fixture.contexts[0]!.setOffline(true);
    await waitForState(page, 'offline', 15_000);
    const saved = await rowId(page, 'Saved on the relay');
    await typeInTitle(page, saved, ' (edited offline)');
    await page.locator(`[data-task-id="${saved}"] [data-testid="task-toggle"]`).check();
    await addTask(page, 'Written offline');
    await page.evaluate(() => window.concordDemo?.list?.flush());
    const before = await readList(page);
    // The page shows core's count at its next frame: wait for it, rather than read a frame that may be one edit behind.
    const pendingBefore = await until(async () => {
      const shown = (await syncState(page)).pending;
      const core = await page.evaluate(() => window.concordDemo?.list?.status.pendingChanges);
      return shown === core && shown > 0 ? shown : null;
    }, 'the page to show every change not yet saved');
    await screenshot(page, 'reload-1-before');

    await page.reload();
    await page.getByTestId('new-task-input').waitFor({ timeout: 15_000 });
    await until(async () => (await readList(page)).live.length === before.live.length, 'the tasks to load from IndexedDB');
    expect(await readList(page)).toEqual(before);
    expect(await syncState(page)).toEqual({ state: 'offline', pending: pendingBefore });
    await screenshot(page, 'reload-2-after');

    // Back online, the unsent edits reach the relay: a fresh browser context sees them.
    await fixture.contexts[0]!.setOffline(false);
    await until(async () => {
      const state = await syncState(page);
      return state.state === 'synced' && state.pending === 0;
    }, 'the reloaded page to sync its pending edits', 30_000);
    const other = await fixture.contexts[0]!.browser()!.newContext();
    try {
      const fresh = await openDemo(other, fixture.baseUrl, list, 'Bo');
      await until(async () => JSON.stringify((await readList(fresh)).live) === JSON.stringify(before.live), 'a fresh client to get every edit');
    } finally {
      await other.close();
    }
    expect(pageErrors(page)).toEqual([]);
  });
});
