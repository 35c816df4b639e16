import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addTask, openDemo, pageErrors, rowId, until } from './support/demo-page.js';
import { uniqueList, useFixture } from './support/fixture.js';

/** The rows of each section, by title, as the page shows them. */
async function sections(page: Page): Promise<{ open: string[]; done: string[] }> {
  return page.evaluate(() => {
    const titles = (selector: string) =>
      [...document.querySelectorAll<HTMLTextAreaElement>(`${selector} [data-testid="task-title"]`)].map((field) => field.value);
    return { open: titles('[data-testid="task-list"]'), done: titles('[data-testid="completed-section"]') };
  });
}

describe('completed tasks', () => {
  const fixture = useFixture([{ viewport: { width: 900, height: 900 } }]);
  let page: Page;

  beforeEach(async () => {
    page = await openDemo(fixture.contexts[0]!, fixture.baseUrl, uniqueList('done'), 'Ada');
    for (const title of ['One', 'Two', 'Three', 'Four']) await addTask(page, title);
  });

  afterEach(async () => {
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('move to a counted Completed section, and go back to their place when reopened', async () => {
    expect(await page.getByTestId('completed-section').count()).toBe(0);
    await page.locator(`[data-task-id="${await rowId(page, 'Two')}"] [data-testid="task-toggle"]`).click();
    await page.locator(`[data-task-id="${await rowId(page, 'Four')}"] [data-testid="task-toggle"]`).click();
    await until(async () => JSON.stringify(await sections(page)) === JSON.stringify({ open: ['One', 'Three'], done: ['Two', 'Four'] }), 'two tasks completed');
    const section = page.getByTestId('completed-section');
    expect(await section.locator('summary').innerText()).toContain('Completed (2)');
    // Collapsible: closed, its rows are out of sight.
    await section.locator('summary').click();
    await until(async () => !(await section.locator('[data-testid="task"]').first().isVisible()), 'the section collapsed');
    await section.locator('summary').click();
    await page.locator(`[data-task-id="${await rowId(page, 'Two')}"] [data-testid="task-toggle"]`).click();
    await until(async () => JSON.stringify(await sections(page)) === JSON.stringify({ open: ['One', 'Two', 'Three'], done: ['Four'] }), 'Two back in its place');
  });

  it('clear completed sends them to the trash, and one Ctrl+Z brings them all back', async () => {
    for (const title of ['One', 'Three']) await page.locator(`[data-task-id="${await rowId(page, title)}"] [data-testid="task-toggle"]`).click();
    await until(async () => (await sections(page)).done.length === 2, 'two tasks completed');
    await page.getByTestId('clear-completed').click();
    await until(async () => JSON.stringify(await sections(page)) === JSON.stringify({ open: ['Two', 'Four'], done: [] }), 'completed tasks cleared');
    expect(await page.getByTestId('completed-section').count()).toBe(0);
    expect(await page.getByTestId('toast').innerText()).toContain('Cleared 2 completed tasks');
    const trash = await page.evaluate(() => window.concordDemo?.list?.trash().map((task) => task.title).sort());
    expect(trash).toEqual(['One', 'Three']);
    await page.keyboard.press('Control+z');
    await until(async () => JSON.stringify(await sections(page)) === JSON.stringify({ open: ['Two', 'Four'], done: ['One', 'Three'] }), 'both restored by one undo');
  });
});
