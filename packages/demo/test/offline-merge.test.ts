import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addTask,
  openTwoWindows,
  pageErrors,
  readList,
  rowId,
  screenshot,
  syncState,
  typeInTitle,
  until,
  waitForState,
} from './support/demo-page.js';
import { uniqueList, useFixture } from './support/fixture.js';

/** Both windows go offline (the page's switch and the browser's network), make conflicting edits, and come back. */
describe('offline on both sides, then back online', () => {
  const fixture = useFixture([{ viewport: { width: 900, height: 900 } }, { viewport: { width: 375, height: 812 } }]);
  let ada: Page;
  let bo: Page;

  beforeAll(async () => {
    [ada, bo] = await openTwoWindows(fixture.contexts, fixture.baseUrl, uniqueList('merge'));
  });

  async function goOffline(page: Page, context: BrowserContext): Promise<void> {
    await page.getByTestId('connection-toggle').check();
    await context.setOffline(true);
    await waitForState(page, 'offline', 15_000);
  }

  async function goOnline(page: Page, context: BrowserContext): Promise<void> {
    await context.setOffline(false);
    await page.getByTestId('connection-toggle').uncheck();
  }

  it('merges concurrent title typing, complete-vs-delete and creates into identical lists', async () => {
    for (const title of ['Plan the offsite', 'Order the cake', 'Send invitations']) await addTask(ada, title);
    await until(async () => (await readList(bo)).live.length === 3, 'the other window to have the three tasks');
    await Promise.all([waitForState(ada, 'synced'), waitForState(bo, 'synced')]);
    const plan = await rowId(ada, 'Plan the offsite');
    const cake = await rowId(ada, 'Order the cake');

    await Promise.all([goOffline(ada, fixture.contexts[0]!), goOffline(bo, fixture.contexts[1]!)]);

    // Conflicting edits, made while neither side can see the other.
    await typeInTitle(ada, plan, ' in May');
    await typeInTitle(bo, plan, ' by the lake');
    await ada.locator(`[data-task-id="${cake}"] [data-testid="task-toggle"]`).check();
    await bo.locator(`[data-task-id="${cake}"] [data-testid="task-delete"]`).click();
    await addTask(ada, 'Book the venue');
    await addTask(bo, 'Rent a bus');

    expect((await syncState(ada)).pending).toBeGreaterThan(0);
    expect((await syncState(bo)).pending).toBeGreaterThan(0);
    expect((await readList(ada)).live.map((row) => row.title)).toContain('Plan the offsite in May');
    expect((await readList(bo)).live.map((row) => row.title)).toContain('Plan the offsite by the lake');
    await screenshot(ada, 'merge-1-offline-ada');
    await screenshot(bo, 'merge-1-offline-bo');

    await Promise.all([goOnline(ada, fixture.contexts[0]!), goOnline(bo, fixture.contexts[1]!)]);

    const [finalAda, finalBo] = await until(
      async () => {
        const [a, b] = await Promise.all([readList(ada), readList(bo)]);
        const [sa, sb] = await Promise.all([syncState(ada), syncState(bo)]);
        const settled = sa.state === 'synced' && sb.state === 'synced' && sa.pending === 0 && sb.pending === 0;
        return settled && JSON.stringify(a) === JSON.stringify(b) && a.live.length === 4 ? [a, b] : null;
      },
      'both windows to converge and report synced',
      30_000,
    );
    expect(finalAda).toEqual(finalBo);

    const titles = finalAda.live.map((row) => row.title);
    // Both people's typing survives, each run of letters intact.
    const merged = titles.find((title) => title.startsWith('Plan the offsite'))!;
    expect(merged).toContain(' in May');
    expect(merged).toContain(' by the lake');
    expect(merged.length).toBe('Plan the offsite in May by the lake'.length);
    expect(titles).toEqual(expect.arrayContaining(['Send invitations', 'Book the venue', 'Rent a bus']));
    // The delete wins over the concurrent completion; the completion is kept for a restore.
    expect(finalAda.trash).toEqual([{ id: cake, title: 'Order the cake', completed: true }]);

    await screenshot(ada, 'merge-2-online-ada');
    await screenshot(bo, 'merge-2-online-bo');
    expect(pageErrors(ada)).toEqual([]);
    expect(pageErrors(bo)).toEqual([]);
  });
});
