import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addTask, openDemo, pageErrors, readList, rowId, until } from './support/demo-page.js';
import { uniqueList, useFixture } from './support/fixture.js';

/** The History view: versions kept by the relay, and a restore with a confirmation. */
describe('history', () => {
  const fixture = useFixture([{ viewport: { width: 900, height: 900 } }]);
  let page: Page;
  const order = async () => (await readList(page)).live.map((row) => row.title);
  const versionTimes = () => page.getByTestId('history-panel').getByTestId('history-version').evaluateAll((items) => items.map((item) => Number(item.getAttribute('data-at'))));

  beforeEach(async () => {
    page = await openDemo(fixture.contexts[0]!, fixture.baseUrl, uniqueList('history'), 'Ada');
    for (const title of ['One', 'Two', 'Three']) await addTask(page, title);
  });

  afterEach(async () => {
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('lists versions with who and when, and restores the list to one after every task was deleted', async () => {
    await page.getByTestId('history-open').click();
    await until(async () => (await versionTimes()).length >= 1, 'a version to be listed');
    const [beforeDeletes] = await versionTimes(); // newest first
    expect(await page.getByTestId('history-panel').getByTestId('history-version').first().textContent()).toMatch(/Ada/);
    await page.getByTestId('history-open').click();

    for (const title of ['One', 'Two', 'Three']) {
      await page.locator(`[data-task-id="${await rowId(page, title)}"] [data-testid="task-delete"]`).click();
    }
    await until(async () => (await order()).length === 0, 'every task deleted');

    await page.getByTestId('history-open').click();
    await until(async () => (await versionTimes())[0]! > beforeDeletes!, 'the version after the deletes');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator(`[data-testid="history-panel"] [data-testid="history-version"][data-at="${beforeDeletes}"] [data-testid="history-restore"]`).click();
    await until(async () => (await order()).join() === 'One,Two,Three', 'every task back, in order');
  });
});
