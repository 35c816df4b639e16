import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addTask, openDemo, pageErrors, readList, rowId, until } from './support/demo-page.js';
import { uniqueList, useFixture } from './support/fixture.js';

/** Ctrl+Z and Ctrl+Shift+Z in one window, on a list of its own holding One, Two, Three. */
describe('undo and redo from the keyboard', () => {
  const fixture = useFixture([{ viewport: { width: 900, height: 900 } }]);
  let page: Page;
  const order = async () => (await readList(page)).live.map((row) => row.title);

  beforeEach(async () => {
    page = await openDemo(fixture.contexts[0]!, fixture.baseUrl, uniqueList('undo'), 'Ada');
    for (const title of ['One', 'Two', 'Three']) await addTask(page, title);
    expect(await order()).toEqual(['One', 'Two', 'Three']);
  });

  afterEach(async () => {
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('outside text fields undoes and redoes the last step: a delete, then a move', async () => {
    const two = await rowId(page, 'Two');
    const three = await rowId(page, 'Three');
    await page.locator(`[data-task-id="${three}"] [data-testid="task-handle"]`).focus();
    await page.keyboard.press('ArrowUp');
    await until(async () => (await order()).join() === 'One,Three,Two', 'Three moved up');
    await page.locator(`[data-task-id="${two}"] [data-testid="task-delete"]`).click();
    await until(async () => (await order()).join() === 'One,Three', 'Two deleted');
    await page.locator('body').click({ position: { x: 5, y: 5 } });

    await page.keyboard.press('Control+z');
    await until(async () => (await order()).join() === 'One,Three,Two', 'the delete undone');
    await page.keyboard.press('Control+z');
    await until(async () => (await order()).join() === 'One,Two,Three', 'the move undone');
    await page.keyboard.press('Control+Shift+z');
    await until(async () => (await order()).join() === 'One,Three,Two', 'the move redone');
  });

  it('in a focused title undoes the typing in that field only, and the toast’s Undo uses the same stack', async () => {
    const one = await rowId(page, 'One');
    const title = page.locator(`[data-task-id="${one}"] [data-testid="task-title"]`);
    await title.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' more');
    await until(async () => (await order())[0] === 'One more', 'the typing to land');
    await page.keyboard.press('Control+z');
    await until(async () => (await title.inputValue()) === 'One', 'the typing undone in the field');
    // The next step is the create of Three, not in this field: Ctrl+Z here does nothing.
    await page.keyboard.press('Control+z');
    expect(await order()).toEqual(['One', 'Two', 'Three']);
    await page.keyboard.press('Control+Shift+z');
    await until(async () => (await title.inputValue()) === 'One more', 'the typing redone');

    const two = await rowId(page, 'Two');
    await page.locator(`[data-task-id="${two}"] [data-testid="task-delete"]`).click();
    await until(async () => !(await order()).includes('Two'), 'Two deleted');
    await page.getByTestId('undo-delete').click();
    await until(async () => (await order()).includes('Two'), 'Two back through the toast');
    // The toast's Undo took the delete off the stack: redo deletes it again.
    const next = await page.evaluate(() => window.concordDemo?.list?.undoState.nextRedo?.kind);
    expect(next).toBe('delete');
  });
});
