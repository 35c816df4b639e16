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
    // Into the list: Add, then the list's one Tab stop, the active row's title.
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

    // One control of the whole list is in the Tab order: the active row's title.
    const tabbable = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('[data-testid="task"] :is(a[href], button, input, textarea, select)')].filter((control) => control.tabIndex >= 0).map((control) => control.dataset.testid),
    );
    expect(tabbable).toEqual(['task-title']);

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

    // Complete it from its checkbox (caret to the start, Arrow Left onto the checkbox, Space).
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowLeft');
    expect((await active(page)).testId).toBe('task-toggle');
    await page.keyboard.press('Space');
    await until(async () => (await readList(page)).live.find((row) => row.title === 'Task 3 edited')?.completed === true, 'the completion');

    // The completed task's checkbox keeps focus in the Completed section; Escape goes to its title, Arrow Up to the
    // last open task's title (Task 5). Empty it and Backspace once more: it is deleted, focus at the end of Task 4;
    // Ctrl+Z brings it back.
    await until(async () => (await active(page)).testId === 'task-toggle', 'focus kept on the completed checkbox');
    await page.keyboard.press('Escape');
    expect((await active(page)).testId).toBe('task-title');
    await page.keyboard.press('ArrowUp');
    expect(await page.evaluate(() => (document.activeElement as HTMLTextAreaElement).value)).toBe('Task 5');
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    await page.keyboard.press('Backspace');
    await until(async () => !(await order(page)).some((title) => title === '' || title === 'Task 5'), 'the emptied task deleted');
    expect((await active(page)).testId).toBe('task-title');
    expect(await page.evaluate(() => (document.activeElement as HTMLTextAreaElement).value)).toBe('Task 4');
    expect(await page.getByTestId('toast').innerText()).toContain('Ctrl+Z');
    await page.keyboard.press('Control+z');
    await until(async () => (await readList(page)).live.length === 5, 'the delete undone');

    // Ctrl+Home goes to the first task; Alt+Arrow moves the focused task; focus stays with it.
    await page.keyboard.press('Control+Home');
    expect(await page.evaluate(() => (document.activeElement as HTMLTextAreaElement).value)).toBe('Task 1');
    await page.keyboard.press('Alt+ArrowDown');
    await until(async () => (await order(page)).slice(0, 2).join() === 'Task 2,Task 1', 'Task 1 moved down');
    expect(await page.evaluate(() => (document.activeElement as HTMLTextAreaElement).value)).toBe('Task 1');

    // Delete with the row's button (Arrow Right from the end of the title, past Description; Enter on it): focus goes
    // to the next row's Delete button, not into a title.
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowRight');
    expect((await active(page)).testId).toBe('task-expand');
    await page.keyboard.press('ArrowRight');
    expect((await active(page)).testId).toBe('task-delete');
    await page.keyboard.press('Enter');
    await until(async () => !(await order(page)).includes('Task 1'), 'Task 1 deleted');
    await until(async () => (await active(page)).testId === 'task-delete', 'focus on the next Delete button');
    await page.keyboard.press('Control+z');
    await until(async () => (await order(page)).includes('Task 1'), 'Task 1 back');
  });

  it('makes a 6-task list one Tab stop, with arrow keys inside it', async () => {
    await page.evaluate(() => {
      for (let i = 1; i <= 6; i++) window.concordDemo!.list!.create({ title: `Task ${i}` });
    });
    await until(async () => (await order(page)).length === 6, 'six tasks');
    await page.getByTestId('task-tag-input').first().waitFor();
    const inList = () => page.evaluate(() => document.activeElement?.closest('[data-testid="task-list"]') !== null);

    // Tab from the add field: the Add button, the list once (the first row's title), then out of the list.
    await page.getByTestId('new-task-input').focus();
    const stops: Array<{ testId: string | null; inList: boolean }> = [];
    for (let tab = 0; tab < 30; tab++) {
      await page.keyboard.press('Tab');
      const here = { testId: (await active(page)).testId, inList: await inList() };
      stops.push(here);
      if (!here.inList && stops.some((stop) => stop.inList)) break;
    }
    const listStops = stops.filter((stop) => stop.inList);
    expect(listStops.length, JSON.stringify(stops)).toBeLessThanOrEqual(2);
    expect(listStops.map((stop) => stop.testId)).toEqual(['task-title']);
    expect(stops.length, 'Tabs from the add field until focus is past the list').toBeLessThanOrEqual(3);
    // Shift+Tab comes back to the same row's title.
    await page.keyboard.press('Shift+Tab');
    expect((await active(page)).testId).toBe('task-title');
    const first = (await readList(page)).live[0]!.id;
    expect((await active(page)).task).toBe(first);

    // Arrow Left/Right reach every control of the row, in order; Escape goes back to the title.
    const walk = async (key: string) => {
      const seen: string[] = [];
      for (let step = 0; step < 20; step++) {
        const before = await active(page);
        await page.keyboard.press(key);
        const after = await active(page);
        if (after.testId === before.testId && after.tag === before.tag) break;
        expect(after.task).toBe(first);
        seen.push(after.testId ?? after.tag);
      }
      return seen;
    };
    // (In the title, once the caret is at its start or end.)
    await page.keyboard.press('Home');
    expect(await walk('ArrowLeft')).toEqual(['task-toggle', 'task-handle']);
    await page.keyboard.press('Escape');
    expect((await active(page)).testId).toBe('task-title');
    await page.keyboard.press('End');
    const right = await walk('ArrowRight');
    expect(right.slice(0, 2)).toEqual(['task-expand', 'task-delete']);
    for (const control of ['task-due', 'task-assignee', 'task-priority', 'task-tag-input']) expect(right).toContain(control);
    // Arrow Down from a control goes to the same control of the next row; Tab leaves the list from there too.
    await page.keyboard.press('ArrowDown');
    expect(await active(page)).toMatchObject({ testId: right.at(-1), task: (await readList(page)).live[1]!.id });
    await page.keyboard.press('Escape');
    expect(await active(page)).toMatchObject({ testId: 'task-title', task: (await readList(page)).live[1]!.id });
    await page.keyboard.press('Tab');
    expect(await inList()).toBe(false);
    await page.keyboard.press('Shift+Tab');
    expect(await active(page)).toMatchObject({ testId: 'task-title', task: (await readList(page)).live[1]!.id });

    // Ctrl+End and Ctrl+Home: the last and the first task; Home/End on a button do the same.
    await page.keyboard.press('Control+End');
    expect((await active(page)).task).toBe((await readList(page)).live[5]!.id);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Home');
    expect(await active(page)).toMatchObject({ testId: 'task-expand', task: first });
    await page.keyboard.press('Control+Home');
    expect(await active(page)).toMatchObject({ testId: 'task-expand', task: first });

    // Delete the first task from its Delete button: the toast's Undo is a few Tabs away (past the list in one stop).
    await page.keyboard.press('ArrowRight');
    expect((await active(page)).testId).toBe('task-delete');
    await page.keyboard.press('Enter');
    await until(async () => (await order(page)).length === 5, 'the task deleted');
    await page.getByTestId('undo-delete').waitFor();
    let tabs = 0;
    while ((await active(page)).testId !== 'undo-delete' && tabs < 40) {
      await page.keyboard.press('Tab');
      tabs++;
    }
    // Measured: 3 (the list is one stop, so the next Tab is past it).
    expect(tabs, "Tabs from the next row's Delete button to the toast's Undo").toBeLessThanOrEqual(4);
    await page.keyboard.press('Enter');
    await until(async () => (await order(page)).length === 6, 'the delete undone from the toast');

    // The keys are told to screen readers in a visually hidden hint each title refers to.
    const hint = await page.evaluate(() => {
      const element = document.querySelector<HTMLElement>('[data-testid="task-keys-hint"]')!;
      const title = document.querySelector<HTMLElement>('[data-testid="task-title"]')!;
      return { text: element.textContent ?? '', width: element.getBoundingClientRect().width, describedBy: title.getAttribute('aria-describedby'), id: element.id };
    });
    expect(hint.text).toContain('Arrow Up and Down');
    expect(hint.width).toBeLessThanOrEqual(1);
    expect(hint.describedBy).toBe(hint.id);
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
