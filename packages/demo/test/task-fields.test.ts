import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addTask, openTwoWindows, pageErrors, readList, rowId, screenshot, syncState, typeInTitle, until, waitForState } from './support/demo-page.js';
import { uniqueList, useFixture } from './support/fixture.js';

/** A task's fields as one page shows them. */
async function fieldsOf(page: Page, taskId: string) {
  return page.evaluate((id) => {
    const row = document.querySelector<HTMLElement>(`[data-task-id="${id}"]`);
    if (!row) return null;
    return {
      due: row.querySelector<HTMLInputElement>('[data-testid="task-due"]')?.value ?? null,
      overdue: row.querySelector<HTMLElement>('[data-testid="task-due"]')?.dataset.overdue === 'true',
      assignee: row.querySelector<HTMLSelectElement>('[data-testid="task-assignee"]')?.value ?? null,
      priority: row.querySelector<HTMLSelectElement>('[data-testid="task-priority"]')?.value ?? null,
      tags: [...row.querySelectorAll<HTMLElement>('[data-testid="task-tag"]')].map((chip) => chip.dataset.tag),
    };
  }, taskId);
}

async function addTag(page: Page, taskId: string, tag: string): Promise<void> {
  const input = page.locator(`[data-task-id="${taskId}"] [data-testid="task-tag-input"]`);
  await input.fill(tag);
  await input.press('Enter');
  await until(async () => (await fieldsOf(page, taskId))?.tags.includes(tag), `tag ${tag} to show`);
}

async function setDue(page: Page, taskId: string, due: string): Promise<void> {
  await page.locator(`[data-task-id="${taskId}"] [data-testid="task-due"]`).fill(due);
  await until(async () => (await fieldsOf(page, taskId))?.due === due, `due date ${due} to show`);
}

function isoDay(offsetDays: number): string {
  const day = new Date(Date.now() + offsetDays * 86_400_000);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

describe('task fields in the demo: due date, assignee, tags, priority', () => {
  const fixture = useFixture([{ viewport: { width: 900, height: 900 } }, { viewport: { width: 375, height: 812 } }, { viewport: { width: 900, height: 900 } }]);
  let ada: Page;
  let bo: Page;
  let list: string;

  beforeAll(async () => {
    list = uniqueList('fields');
    [ada, bo] = await openTwoWindows(fixture.contexts, fixture.baseUrl, list);
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

  it('two people offline set different due dates and add different tags: one due date everywhere, both tags', async () => {
    await addTask(ada, 'Book the venue');
    const id = await rowId(ada, 'Book the venue');
    await until(async () => (await fieldsOf(bo, id)) !== null, 'the task in the other window');
    await Promise.all([waitForState(ada, 'synced'), waitForState(bo, 'synced')]);

    await Promise.all([goOffline(ada, fixture.contexts[0]!), goOffline(bo, fixture.contexts[1]!)]);
    await setDue(ada, id, '2026-12-20');
    await addTag(ada, id, 'venue');
    // Bo's edit is made after Ada's: the later due date is the one every window settles on.
    await setDue(bo, id, '2026-12-24');
    await addTag(bo, id, 'budget');
    expect((await syncState(ada)).pending).toBeGreaterThan(0);
    await Promise.all([goOnline(ada, fixture.contexts[0]!), goOnline(bo, fixture.contexts[1]!)]);

    const settled = await until(async () => {
      const [a, b] = await Promise.all([fieldsOf(ada, id), fieldsOf(bo, id)]);
      const [sa, sb] = await Promise.all([syncState(ada), syncState(bo)]);
      const done = sa.state === 'synced' && sb.state === 'synced' && JSON.stringify(a) === JSON.stringify(b) && a?.tags.length === 2;
      return done ? a : null;
    }, 'both windows to converge');
    expect(settled).toMatchObject({ due: '2026-12-24', tags: ['budget', 'venue'] });
    await screenshot(bo, 'fields-1-merged-phone');
  });

  it('shows overdue tasks and filters by mine, overdue and tag', async () => {
    await addTask(ada, 'Pay the deposit');
    await addTask(ada, 'Print the menus');
    const deposit = await rowId(ada, 'Pay the deposit');
    const menus = await rowId(ada, 'Print the menus');
    await setDue(ada, deposit, isoDay(-2));
    await setDue(ada, menus, isoDay(3));
    await ada.locator(`[data-task-id="${menus}"] [data-testid="task-assignee"]`).selectOption('Ada');
    await ada.locator(`[data-task-id="${menus}"] [data-testid="task-priority"]`).selectOption('high');
    await addTag(ada, menus, 'print');
    expect(await fieldsOf(ada, deposit)).toMatchObject({ overdue: true });
    expect(await fieldsOf(ada, menus)).toMatchObject({ overdue: false, assignee: 'Ada', priority: 'high' });
    expect(await ada.locator(`[data-task-id="${deposit}"]`).getAttribute('class')).toContain('is-overdue');

    const shown = async () => (await readList(ada)).live.map((row) => row.title);
    await ada.getByTestId('filter-overdue').click();
    await until(async () => JSON.stringify(await shown()) === JSON.stringify(['Pay the deposit']), 'only the overdue task');
    await ada.getByTestId('filter-overdue').click();
    await ada.getByTestId('filter-mine').click();
    await until(async () => JSON.stringify(await shown()) === JSON.stringify(['Print the menus']), 'only the task assigned to Ada');
    await ada.getByTestId('filter-mine').click();
    await ada.getByTestId('filter-tag').selectOption('venue');
    await until(async () => JSON.stringify(await shown()) === JSON.stringify(['Book the venue']), 'only the task tagged venue');
    await screenshot(ada, 'fields-2-filter-tag');
    await ada.getByTestId('filter-tag').selectOption('');
    await until(async () => (await shown()).length === 3, 'every task again');
    // Bo sees Ada's assignment and priority.
    await until(async () => (await fieldsOf(bo, menus))?.priority === 'high', 'the priority in the other window');
  });

  it('an older build of the demo (schema version 1) opens the list, keeps the new fields intact and says a newer version wrote it', async () => {
    const venue = await rowId(ada, 'Book the venue');
    const menus = await rowId(ada, 'Print the menus');
    await waitForState(ada, 'synced');
    const old = await fixture.contexts[2]!.newPage();
    await old.goto(`${fixture.baseUrl}/fixtures/schema-v1.html?list=${encodeURIComponent(list)}&user=Cy`);
    await old.getByTestId('schema-newer').waitFor({ timeout: 20_000 });
    await until(async () => (await readList(old)).live.length === 3, 'the older page to show the three tasks');
    expect(await old.locator('[data-testid="task-due"]').count()).toBe(0);
    await screenshot(old, 'fields-3-older-build');

    await typeInTitle(old, venue, ' (older build)');
    await old.locator(`[data-task-id="${menus}"] [data-testid="task-toggle"]`).check();
    await waitForState(old, 'synced');

    await until(async () => (await readList(ada)).live.find((row) => row.id === venue)?.title === 'Book the venue (older build)', 'the older page’s edit at Ada');
    await until(async () => (await readList(ada)).live.find((row) => row.id === menus)?.completed, 'the completion at Ada');
    expect(await fieldsOf(ada, venue)).toMatchObject({ due: '2026-12-24', tags: ['budget', 'venue'] });
    expect(await fieldsOf(ada, menus)).toMatchObject({ due: isoDay(3), assignee: 'Ada', priority: 'high', tags: ['print'] });
    expect(await ada.getByTestId('schema-newer').count()).toBe(0);
    for (const page of [ada, bo, old]) expect(pageErrors(page)).toEqual([]);
  });
});
