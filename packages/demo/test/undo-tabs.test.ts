import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addTask, openDemo, pageErrors, readList, until } from './support/demo-page.js';
import { uniqueList, useFixture } from './support/fixture.js';

const canUndo = (page: Page) => page.evaluate(() => window.concordDemo?.list?.canUndo ?? null);

/** Two tabs of one browser (one context: one origin's storage and Web Locks) with the same list open. */
describe('the same list in two tabs', () => {
  const fixture = useFixture([{}]);

  it('a tab opened beside another starts with its own empty undo stack; the only tab, reloaded, keeps its stack', async () => {
    const list = uniqueList('undo-tabs');
    const first = await openDemo(fixture.contexts[0]!, fixture.baseUrl, list, 'Ada');
    await addTask(first, 'One');
    await until(async () => (await canUndo(first)) === true, 'the create on the first tab’s stack');

    const second = await openDemo(fixture.contexts[0]!, fixture.baseUrl, list, 'Ada');
    await until(async () => (await readList(second)).live.some((row) => row.title === 'One'), 'One in the second tab');
    expect(await canUndo(second)).toBe(false);
    expect(await canUndo(first)).toBe(true);
    expect(pageErrors(second)).toEqual([]);
    await second.close();

    await first.reload();
    await first.getByTestId('new-task-input').waitFor();
    await until(async () => (await canUndo(first)) === true, 'the stack back after the reload');
    expect(pageErrors(first)).toEqual([]);
    await first.close();
  });
});
