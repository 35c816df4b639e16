import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addTask, openTwoWindows, pageErrors, readList, rowId, screenshot, syncState, until, waitForState } from './support/demo-page.js';
import { uniqueList, useFixture } from './support/fixture.js';

/**
 * The conflicts people make apart, replayed with two browser contexts offline and back: every window ends with the
 * same list, and the "While you were away" panel names each resolution with its one-click action.
 */
describe('the offline review', () => {
  const fixture = useFixture([{ viewport: { width: 900, height: 1000 } }, { viewport: { width: 900, height: 1000 } }]);
  let ada: Page;
  let bo: Page;

  beforeAll(async () => {
    [ada, bo] = await openTwoWindows(fixture.contexts, fixture.baseUrl, uniqueList('review'));
  });

  async function goOffline(page: Page, context: BrowserContext): Promise<void> {
    await page.getByTestId('connection-toggle').check();
    await context.setOffline(true);
    await waitForState(page, 'offline', 15_000);
  }

  async function bothOffline(): Promise<void> {
    await Promise.all([goOffline(ada, fixture.contexts[0]!), goOffline(bo, fixture.contexts[1]!)]);
  }

  /** Back online one after the other, then until both show the same settled list. */
  async function bothBackOnline(): Promise<Awaited<ReturnType<typeof readList>>> {
    for (const [page, context] of [
      [ada, fixture.contexts[0]!],
      [bo, fixture.contexts[1]!],
    ] as const) {
      await context.setOffline(false);
      await page.getByTestId('connection-toggle').uncheck();
    }
    return until(async () => {
      const [a, b] = await Promise.all([readList(ada), readList(bo)]);
      const [sa, sb] = await Promise.all([syncState(ada), syncState(bo)]);
      const settled = sa.state === 'synced' && sb.state === 'synced' && sa.pending === 0 && sb.pending === 0;
      return settled && JSON.stringify(a) === JSON.stringify(b) ? a : null;
    }, 'both windows to converge and report synced', 30_000);
  }

  /** The review panel's items, as text. */
  async function panelItems(page: Page): Promise<string[]> {
    return page.getByTestId('activity-item').allTextContents();
  }

  async function dismiss(page: Page): Promise<void> {
    await page.getByTestId('activity-dismiss').click();
    await page.getByTestId('activity-panel').waitFor({ state: 'detached' });
  }

  it('complete vs delete: names the deletion that had not seen the completion, and restores the task completed', async () => {
    await addTask(ada, 'Apples');
    const apples = await rowId(bo, 'Apples');
    await Promise.all([waitForState(ada, 'synced'), waitForState(bo, 'synced')]);
    await bothOffline();
    await ada.locator(`[data-task-id="${apples}"] [data-testid="task-toggle"]`).check();
    await bo.locator(`[data-task-id="${apples}"] [data-testid="task-delete"]`).click();
    const final = await bothBackOnline();
    expect(final.live.map((row) => row.id)).not.toContain(apples);
    expect(final.trash).toEqual([{ id: apples, title: 'Apples', completed: true }]);

    const sentence = 'Bo deleted “Apples” that Ada had completed offline';
    for (const page of [ada, bo]) {
      await page.getByTestId('activity-panel').waitFor();
      await until(async () => (await panelItems(page)).some((text) => text.includes(sentence)), `the panel to name the resolution`);
    }
    await screenshot(ada, 'review-1-delete-vs-complete');
    await ada.locator('[data-kind="deleted-unseen-change"] [data-testid="activity-restore"]').click();
    await until(async () => {
      const [a, b] = await Promise.all([readList(ada), readList(bo)]);
      const back = (list: typeof a) => list.live.some((row) => row.id === apples && row.completed);
      return back(a) && back(b);
    }, 'the task back and completed in both windows');
    await Promise.all([dismiss(ada), dismiss(bo)]);
  });

  it('move vs move: names the superseded move in both windows, and moves it back in one click', async () => {
    for (const title of ['Bread', 'Milk', 'Tea']) await addTask(ada, title);
    const milk = await rowId(bo, 'Milk');
    await until(async () => (await readList(bo)).live.length === 4, 'the other window to have every task');
    await Promise.all([waitForState(ada, 'synced'), waitForState(bo, 'synced')]);
    await bothOffline();
    // Ada moves Milk to the top, Bo to the bottom (keyboard moves, one place at a time).
    const step = async (page: Page, key: 'ArrowUp' | 'ArrowDown', times: number) => {
      const handle = page.locator(`[data-task-id="${milk}"] [data-testid="task-handle"]`);
      for (let i = 0; i < times; i++) await handle.press(key);
    };
    await step(ada, 'ArrowUp', 2);
    await step(bo, 'ArrowDown', 2);
    expect((await readList(ada)).live[0]?.id).toBe(milk);
    // Completed tasks (Apples) sit in their own section below: the moves are among the open ones.
    const open = (list: Awaited<ReturnType<typeof readList>>) => list.live.filter((row) => !row.completed);
    expect(open(await readList(bo)).at(-1)?.id).toBe(milk);
    const final = await bothBackOnline();
    const milkAt = open(final).findIndex((row) => row.id === milk);
    expect([0, open(final).length - 1]).toContain(milkAt);

    const pattern = /(Ada|Bo)'s move of “Milk” was superseded by (Ada|Bo)'s/;
    const named = await Promise.all(
      [ada, bo].map((page) => until(async () => (await panelItems(page)).find((text) => pattern.test(text)), 'the panel to name the superseded move')),
    );
    const [, loser, winner] = pattern.exec(named[0]!)!;
    expect(loser).not.toBe(winner);
    expect(named[1]).toContain(`${loser}'s move of “Milk” was superseded by ${winner}'s`);
    // Where Milk is shows who won: the top is Ada's move.
    expect(milkAt === 0 ? 'Ada' : 'Bo').toBe(winner);
    await screenshot(bo, 'review-2-move-vs-move');
    const loserPage = loser === 'Ada' ? ada : bo;
    await loserPage.locator('[data-kind="move-superseded"] [data-testid="activity-move-back"]').first().click();
    await until(async () => {
      const [a, b] = await Promise.all([readList(ada), readList(bo)]);
      const index = open(a).findIndex((row) => row.id === milk);
      return JSON.stringify(a) === JSON.stringify(b) && index !== milkAt && index === (loser === 'Ada' ? 0 : open(a).length - 1);
    }, "Milk moved back to the loser's place in both windows");
    await Promise.all([dismiss(ada), dismiss(bo)]);
  });

  it('both renamed: one title everywhere, never a mix, the other kept as an alternative one click shows', async () => {
    await addTask(ada, 'Cheese');
    const cheese = await rowId(bo, 'Cheese');
    await Promise.all([waitForState(ada, 'synced'), waitForState(bo, 'synced')]);
    await bothOffline();
    await ada.locator(`[data-task-id="${cheese}"] [data-testid="task-title"]`).fill('Gouda');
    await bo.locator(`[data-task-id="${cheese}"] [data-testid="task-title"]`).fill('Brie');
    const final = await bothBackOnline();
    const shown = final.live.find((row) => row.id === cheese)!.title;
    expect(['Gouda', 'Brie']).toContain(shown);
    const other = shown === 'Gouda' ? 'Brie' : 'Gouda';
    const sentence = `Both renamed “Cheese”: showing “${shown}” (${shown === 'Gouda' ? 'Ada' : 'Bo'}), also “${other}” (${shown === 'Gouda' ? 'Bo' : 'Ada'})`;
    for (const page of [ada, bo]) {
      await until(async () => (await panelItems(page)).some((text) => text.includes(sentence)), 'the panel to name both renames');
      expect(await page.locator('[data-kind="text-conflict"] [data-testid="task-alternative"]').first().textContent()).toContain(other);
    }
    await screenshot(ada, 'review-3-both-renamed');
    await ada.locator('[data-kind="text-conflict"] [data-testid="task-alternative-pick"]').first().click();
    await until(async () => {
      const [a, b] = await Promise.all([readList(ada), readList(bo)]);
      const title = (list: typeof a) => list.live.find((row) => row.id === cheese)?.title;
      return title(a) === other && title(b) === other;
    }, 'the other title shown in both windows');
    await Promise.all([dismiss(ada), dismiss(bo)]);
  });

  it("lists the other person's changes made while away, and a task's history", async () => {
    const bread = await rowId(ada, 'Bread');
    await ada.getByTestId('connection-toggle').check();
    await fixture.contexts[0]!.setOffline(true);
    await waitForState(ada, 'offline', 15_000);
    const title = bo.locator(`[data-task-id="${bread}"] [data-testid="task-title"]`);
    await title.fill('Sourdough');
    await bo.locator(`[data-task-id="${bread}"] [data-testid="task-toggle"]`).check();
    await waitForState(bo, 'synced');
    await fixture.contexts[0]!.setOffline(false);
    await ada.getByTestId('connection-toggle').uncheck();
    await ada.getByTestId('activity-panel').waitFor();
    const items = await until(async () => {
      const texts = await panelItems(ada);
      return texts.some((text) => text.includes('Bo renamed “Bread” to “Sourdough”')) && texts.some((text) => text.includes('Bo completed “Sourdough”')) ? texts : null;
    }, "the panel to list Bo's rename and completion");
    // Ada's own changes are not news to her.
    expect(items.some((text) => text.startsWith('Ada '))).toBe(false);
    await dismiss(ada);

    await ada.locator(`[data-task-id="${bread}"] [data-testid="task-expand"]`).click();
    const history = ada.locator(`[data-task-id="${bread}"] [data-testid="task-history"]`);
    await history.locator('summary').click();
    const lines = await history.locator('li').allTextContents();
    expect(lines.map((line) => line.split(' ·')[0])).toEqual(['Ada added “Bread”', 'Bo renamed “Bread” to “Sourdough”', 'Bo completed “Sourdough”']);
    expect(pageErrors(ada)).toEqual([]);
    expect(pageErrors(bo)).toEqual([]);
  });
});
