import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addTask, openDemo, openTwoWindows, pageErrors, rowId, until } from './support/demo-page.js';
import { uniqueList, useFixture } from './support/fixture.js';

interface MemberRow {
  readonly name: string;
  readonly online: boolean;
  readonly state: string;
}

async function members(page: Page): Promise<MemberRow[]> {
  return page.locator('[data-testid="member"]').evaluateAll((rows) =>
    rows.map((row) => ({
      name: row.querySelector('.member-name')?.textContent?.trim() ?? '',
      online: (row as HTMLElement).dataset.online === 'true',
      state: row.querySelector('[data-testid="member-state"]')?.textContent?.trim() ?? '',
    })),
  );
}

describe('members', () => {
  const fixture = useFixture([{}, {}, {}]);

  it('lists everyone who wrote, with online state and last seen, including someone never seen online', async () => {
    const list = uniqueList('members');
    const [ada, bo] = await openTwoWindows(fixture.contexts, fixture.baseUrl, list);
    await addTask(ada, 'Ada’s task');
    const id = await rowId(bo, 'Ada’s task');
    await bo.locator(`[data-task-id="${id}"] [data-testid="task-toggle"]`).click();
    await until(async () => {
      const rows = await members(ada);
      return rows.length === 2 && rows.every((row) => row.online);
    }, 'Ada and Bo both online members');
    expect((await members(ada)).map((row) => row.name)).toEqual(['Ada (you)', 'Bo']);

    // Bo leaves: Ada still lists him, offline, last seen just now.
    await bo.close();
    await until(async () => (await members(ada)).find((row) => row.name === 'Bo')?.online === false, 'Bo offline');
    expect((await members(ada)).find((row) => row.name === 'Bo')?.state).toBe('last seen just now');

    // Cy writes while Ada is away; Ada, back, lists Cy (from the list document) though she never saw Cy online.
    await ada.close();
    const cy = await openDemo(fixture.contexts[2]!, fixture.baseUrl, list, 'Cy');
    await addTask(cy, 'Cy’s task');
    await until(async () => (await cy.getByTestId('sync-status').textContent()) === 'synced', 'Cy synced');
    await cy.close();
    const adaAgain = await openDemo(fixture.contexts[0]!, fixture.baseUrl, list, 'Ada');
    await until(async () => (await members(adaAgain)).some((row) => row.name === 'Cy'), 'Cy listed as a member');
    const cyRow = (await members(adaAgain)).find((row) => row.name === 'Cy')!;
    expect(cyRow.online).toBe(false);
    expect(cyRow.state).toMatch(/^last seen /);
    expect((await members(adaAgain)).map((row) => row.name).sort()).toEqual(['Ada (you)', 'Bo', 'Cy']);
    expect(pageErrors(adaAgain)).toEqual([]);
    await adaAgain.close();
  });
});
