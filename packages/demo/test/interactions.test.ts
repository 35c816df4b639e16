import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addTask, openDemo, pageErrors, readList, rowId, until } from './support/demo-page.js';
import { uniqueList, useFixture } from './support/fixture.js';

/**
 * One window: reorder by keyboard and by drag, delete with undo, restore from the trash, describe a task. Each test
 * starts on a list of its own holding One, Two, Three: none depends on another's leftovers or on their order.
 */
describe('working with one list', () => {
  const fixture = useFixture([{ viewport: { width: 900, height: 900 } }]);
  let page: Page;
  const order = async () => (await readList(page)).live.map((row) => row.title);

  beforeEach(async () => {
    page = await openDemo(fixture.contexts[0]!, fixture.baseUrl, uniqueList('ui'), 'Ada');
    for (const title of ['One', 'Two', 'Three']) await addTask(page, title);
    expect(await order()).toEqual(['One', 'Two', 'Three']);
  });

  afterEach(async () => {
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });


  it('reorders with Alt+Arrow keys and keeps focus in the moved row', async () => {
    const one = await rowId(page, 'One');
    const title = page.locator(`[data-task-id="${one}"] [data-testid="task-title"]`);
    await title.focus();
    await page.keyboard.press('Alt+ArrowDown');
    await until(async () => (await order()).join() === 'Two,One,Three', 'One to move down');
    await page.keyboard.press('Alt+ArrowDown');
    await until(async () => (await order()).join() === 'Two,Three,One', 'One to move to the end');
    expect(await title.evaluate((element) => document.activeElement === element)).toBe(true);
    await page.keyboard.press('Alt+ArrowUp');
    await page.keyboard.press('Alt+ArrowUp');
    await until(async () => (await order()).join() === 'One,Two,Three', 'One back on top');
  });

  it('reorders by dragging the handle', async () => {
    const three = await rowId(page, 'Three');
    const handle = page.locator(`[data-task-id="${three}"] [data-testid="task-handle"]`);
    const target = page.locator(`[data-task-id="${await rowId(page, 'One')}"]`);
    const from = (await handle.boundingBox())!;
    const to = (await target.boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2, to.y + 4, { steps: 8 });
    await page.mouse.up();
    await until(async () => (await order()).join() === 'Three,One,Two', 'Three dragged to the top');
  });

  it('deletes with undo, and restores from the trash', async () => {
    const two = await rowId(page, 'Two');
    await page.locator(`[data-task-id="${two}"] [data-testid="task-delete"]`).click();
    await until(async () => !(await order()).includes('Two'), 'Two to leave the list');
    await page.getByTestId('undo-delete').click();
    await until(async () => (await order()).join() === 'One,Two,Three', 'Two back in place after undo');

    await page.locator(`[data-task-id="${two}"] [data-testid="task-delete"]`).click();
    await until(async () => !(await order()).includes('Two'), 'Two to leave the list again');
    await page.getByTestId('trash-toggle').click();
    await page.locator(`[data-testid="trash-item"][data-task-id="${two}"] [data-testid="task-restore"]`).click();
    await until(async () => (await order()).includes('Two'), 'Two restored from the trash');
  });

  it('edits a description and completes a task', async () => {
    const one = await rowId(page, 'One');
    await page.locator(`[data-task-id="${one}"] [data-testid="task-expand"]`).click();
    const description = page.locator(`[data-task-id="${one}"] [data-testid="task-description"]`);
    await description.waitFor();
    await page.keyboard.type('Bring the slides');
    await page.locator(`[data-task-id="${one}"] [data-testid="task-toggle"]`).check();
    await until(
      () => page.evaluate((id) => window.concordDemo?.list?.tasks().find((task) => task.id === id), one),
      'the task to be readable',
    );
    const task = await page.evaluate((id) => window.concordDemo?.list?.tasks().find((task) => task.id === id), one);
    expect(task).toMatchObject({ description: 'Bring the slides', completed: true });
  });
});
