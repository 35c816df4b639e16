import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addTask, openTwoWindows, pageErrors, readList, rowId, until } from './support/demo-page.js';
import { uniqueList, useFixture } from './support/fixture.js';

/** Each test opens both windows on a list of its own: none depends on another's tasks or on their order. */
describe('two windows on one list, online', () => {
  const fixture = useFixture([{}, {}]);
  let ada: Page;
  let bo: Page;

  beforeEach(async () => {
    [ada, bo] = await openTwoWindows(fixture.contexts, fixture.baseUrl, uniqueList('live'));
  });

  afterEach(async () => {
    expect(pageErrors(ada)).toEqual([]);
    expect(pageErrors(bo)).toEqual([]);
    await Promise.all([ada.close(), bo.close()]);
  });


  it('shows a new task, a title edit and a completion in the other window', async () => {
    await addTask(ada, 'Write the launch post');
    const id = await rowId(bo, 'Write the launch post');

    const adaTitle = ada.locator(`[data-task-id="${id}"] [data-testid="task-title"]`);
    await adaTitle.click();
    await adaTitle.press('End');
    await ada.keyboard.type(' today', { delay: 10 });
    await until(async () => (await readList(bo)).live[0]?.title === 'Write the launch post today', 'the edit in the other window');

    await bo.locator(`[data-task-id="${id}"] [data-testid="task-toggle"]`).check();
    await until(async () => (await readList(ada)).live[0]?.completed === true, 'the completion in the other window');
  });

  it("keeps the local caret where it was when someone else edits the same title", async () => {
    await addTask(ada, 'world');
    const id = await rowId(bo, 'world');
    const boTitle = bo.locator(`[data-task-id="${id}"] [data-testid="task-title"]`);
    await boTitle.click();
    await boTitle.evaluate((input: HTMLInputElement) => input.setSelectionRange(2, 4)); // "rl" selected
    // Ada inserts before Bo's selection; Bo's selection must move with the text, still covering "rl".
    const adaTitle = ada.locator(`[data-task-id="${id}"] [data-testid="task-title"]`);
    await adaTitle.click();
    await adaTitle.press('Home');
    await ada.keyboard.type('hello ', { delay: 10 });
    await until(async () => (await boTitle.inputValue()) === 'hello world', 'the remote edit');
    const selection = await boTitle.evaluate((input: HTMLInputElement) => [input.selectionStart, input.selectionEnd, document.activeElement === input]);
    expect(selection).toEqual([8, 10, true]);
    // Bo keeps typing at his caret: the text lands where he sees it.
    await bo.keyboard.type('R');
    await until(async () => (await readList(ada)).live.find((row) => row.id === id)?.title === 'hello woRd', 'Bo typing over his selection');
  });

  it('shows who is online and who edits which task', async () => {
    await until(async () => (await ada.getByTestId('peer').count()) === 2, 'both people in the presence bar');
    await addTask(ada, 'Book the venue');
    const id = await rowId(bo, 'Book the venue');
    await bo.locator(`[data-task-id="${id}"] [data-testid="task-title"]`).focus();
    await until(
      async () => (await ada.locator(`[data-task-id="${id}"] [data-testid="task-editors"]`).textContent())?.includes('Bo'),
      'Bo shown as editing the task',
    );
  });
});
