import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDemo, pageErrors, readList, until } from './support/demo-page.js';
import { uniqueList, useFixture } from './support/fixture.js';

const active = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    return { testId: element?.dataset.testid ?? null, task: element?.closest<HTMLElement>('[data-task-id]')?.dataset.taskId ?? null, tag: element?.tagName ?? '' };
  });
const order = async (page: Page) => (await readList(page)).live.map((row) => row.title);

/** The list without the mouse: every step below is a key press. */
describe('keyboard only', () => {
  const fixture = useFixture([{ viewport: { width: 900, height: 700 } }]);
  let page: Page;

  beforeEach(async () => {
    page = await openDemo(fixture.contexts[0]!, fixture.baseUrl, uniqueList('keys'), 'Ada');
  });

  afterEach(async () => {
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('creates five tasks, edits, completes, deletes, undoes and moves them', async () => {
    await page.getByTestId('new-task-input').focus();
    await page.keyboard.type('Task 1');
    await page.keyboard.press('Enter');
    await until(async () => (await order(page)).join() === 'Task 1', 'the first task');
    // Into the list: Add, then the one row's controls (handle, checkbox, title).
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect((await active(page)).testId).toBe('task-handle');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect((await active(page)).testId).toBe('task-title');
    // Enter in a title makes the next task right below, focused.
    for (const n of [2, 3, 4, 5]) {
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await until(async () => (await order(page)).length === n, `task ${n} created`);
      await until(async () => (await active(page)).testId === 'task-title' && (await active(page)).task === (await readList(page)).live[n - 1]!.id, `task ${n} focused`);
      await page.keyboard.type(`Task ${n}`);
    }
    await until(async () => (await order(page)).join() === 'Task 1,Task 2,Task 3,Task 4,Task 5', 'five tasks in order');

    // Only the active row is in the Tab order: the others' controls are not.
    const tabbable = await page.evaluate(
      () => [...document.querySelectorAll('[data-testid="task"]')].map((row) => row.querySelectorAll('button:not([tabindex="-1"]), input:not([tabindex="-1"]), textarea:not([tabindex="-1"])').length),
    );
    expect(tabbable.filter((count) => count > 0)).toHaveLength(1);

    // Arrow keys move between rows; edit Task 3.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.type(' edited');
    await until(async () => (await order(page))[2] === 'Task 3 edited', 'the edit');
    // With no toast, Ctrl+Z takes back this person's last step: the burst of typing.
    await page.keyboard.press('Control+z');
    await until(async () => (await order(page))[2] === 'Task 3', 'the typing undone');
    await page.keyboard.type(' edited');
    await until(async () => (await order(page))[2] === 'Task 3 edited', 'the edit again');

    // Complete it from its checkbox (Shift+Tab back to it, Space).
    await page.keyboard.press('Shift+Tab');
    expect((await active(page)).testId).toBe('task-toggle');
    await page.keyboard.press('Space');
    await until(async () => (await readList(page)).live.find((row) => row.title === 'Task 3 edited')?.completed === true, 'the completion');

    // Empty Task 5's title and Backspace once more: it is deleted, focus at the end of Task 4; Ctrl+Z brings it back.
    await page.locator('[data-testid="task-list"] [data-testid="task"]').last().locator('[data-testid="task-title"]').focus();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    await page.keyboard.press('Backspace');
    await until(async () => !(await order(page)).some((title) => title === '' || title === 'Task 5'), 'the emptied task deleted');
    expect((await active(page)).testId).toBe('task-title');
    expect(await page.evaluate(() => (document.activeElement as HTMLTextAreaElement).value)).toBe('Task 4');
    expect(await page.getByTestId('toast').innerText()).toContain('Ctrl+Z');
    await page.keyboard.press('Control+z');
    await until(async () => (await readList(page)).live.length === 5, 'the delete undone');

    // Alt+Arrow moves the focused task; focus stays with it.
    await page.locator('[data-testid="task-list"] [data-testid="task"]').first().locator('[data-testid="task-title"]').focus();
    await page.keyboard.press('Alt+ArrowDown');
    await until(async () => (await order(page)).slice(0, 2).join() === 'Task 2,Task 1', 'Task 1 moved down');
    expect(await page.evaluate(() => (document.activeElement as HTMLTextAreaElement).value)).toBe('Task 1');

    // Delete with the row's button (Enter on it): focus goes to the next row's Delete button, not into a title.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect((await active(page)).testId).toBe('task-delete');
    await page.keyboard.press('Enter');
    await until(async () => !(await order(page)).includes('Task 1'), 'Task 1 deleted');
    await until(async () => (await active(page)).testId === 'task-delete', 'focus on the next Delete button');
    await page.keyboard.press('Control+z');
    await until(async () => (await order(page)).includes('Task 1'), 'Task 1 back');
  });

  it('scrolls a new task into view and highlights it', async () => {
    await page.evaluate(() => {
      for (let i = 0; i < 40; i++) window.concordDemo!.list!.create({ title: `Filler ${i}` });
    });
    await until(async () => (await readList(page)).live.length === 40, 'forty tasks');
    await page.getByTestId('new-task-input').fill('The new one');
    await page.getByTestId('new-task-input').press('Enter');
    const row = await until(async () => (await readList(page)).live.find((candidate) => candidate.title === 'The new one')?.id, 'the new task');
    const locator = page.locator(`[data-task-id="${row}"]`);
    await until(async () => (await locator.getAttribute('data-highlight')) !== null, 'the highlight');
    const inView = () =>
      locator.evaluate((element) => {
        const rect = element.getBoundingClientRect();
        const scroller = element.closest('.scroller')!.getBoundingClientRect();
        return rect.top >= scroller.top && rect.bottom <= scroller.bottom;
      });
    await until(inView, 'the new task in view');
  });
});
