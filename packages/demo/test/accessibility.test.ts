import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe.js';
import { addTask, openDemo, openTwoWindows, pageErrors, rowId, shareUrl, until, waitForState } from './support/demo-page.js';
import { uniqueList, useFixture } from './support/fixture.js';

describe('accessibility', () => {
  const fixture = useFixture([{ viewport: { width: 1000, height: 800 } }, { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true }]);
  const pages: Page[] = [];
  afterEach(async () => {
    for (const page of pages.splice(0)) {
      expect(pageErrors(page)).toEqual([]);
      await page.close();
    }
  });

  it('axe finds no violation of any impact, on desktop and phone, in every state of the page', async () => {
    for (const context of fixture.contexts) {
      const page = await openDemo(context, fixture.baseUrl, uniqueList('axe'), 'Ada');
      pages.push(page);
      const check = async (state: string) => expect(await axeViolations(page), state).toEqual([]);
      await page.getByTestId('welcome').waitFor();
      await check('first visit, empty list');
      for (const title of ['Write the agenda', 'Book the room', 'Send the invites']) await addTask(page, title);
      await page.locator(`[data-task-id="${await rowId(page, 'Book the room')}"] [data-testid="task-toggle"]`).click();
      await page.getByTestId('completed-section').waitFor();
      await page.locator(`[data-task-id="${await rowId(page, 'Write the agenda')}"] [data-testid="task-expand"]`).click();
      await page.getByTestId('task-delete').last().click();
      await page.getByTestId('toast').waitFor();
      await check('tasks, completed section, description, toast');
      await page.getByTestId('welcome-dismiss').click();
      await page.getByTestId('list-switcher').click();
      await check('lists menu open');
      await page.keyboard.press('Escape');
      await shareUrl(page);
      await page.getByTestId('trash-toggle').click();
      await check('share panel, trash open');
      await page.getByTestId('connection-toggle').click();
      await waitForState(page, 'offline');
      await check('working offline');
    }
  });

  it('has one h1 (the list name) and puts every part of the page in a landmark', async () => {
    const page = await openDemo(fixture.contexts[0]!, fixture.baseUrl, uniqueList('landmarks'), 'Ada');
    pages.push(page);
    await addTask(page, 'One');
    const headings = await page.locator('h1').allInnerTexts();
    expect(headings).toHaveLength(1);
    expect(headings[0]).toBe(await page.getByTestId('list-name').innerText());
    for (const role of ['banner', 'main', 'contentinfo', 'navigation'] as const) expect(await page.getByRole(role).count(), role).toBeGreaterThan(0);
    for (const name of ['Connection', 'Members', 'Trash', 'People on this list']) expect(await page.getByRole('region', { name }).count() + (await page.getByRole('complementary', { name }).count()), name).toBe(1);
  });

  it('says "Offline — no connection" when the network drops, and "Working offline" when chosen', async () => {
    const page = await openDemo(fixture.contexts[0]!, fixture.baseUrl, uniqueList('wording'), 'Ada');
    pages.push(page);
    await waitForState(page, 'synced');
    expect(await page.getByTestId('connection-note').count()).toBe(0);
    await fixture.contexts[0]!.setOffline(true);
    try {
      await waitForState(page, 'offline');
      const note = page.getByTestId('connection-note');
      expect(await note.innerText()).toContain('Offline — no connection');
      expect(await note.getAttribute('data-reason')).toBe('network');
      expect(await page.locator('body').innerText()).not.toContain('Working offline.');
    } finally {
      await fixture.contexts[0]!.setOffline(false);
    }
    await waitForState(page, 'synced');
    await page.getByTestId('connection-toggle').click();
    await waitForState(page, 'offline');
    expect(await page.getByTestId('connection-note').innerText()).toContain('Working offline');
    expect(await page.getByTestId('connection-note').innerText()).not.toContain('no connection');
  });
});

describe('remote changes to the focused task are announced', () => {
  const fixture = useFixture([{}, {}]);

  it('tells Bo, who is on a task, when Ada completes it, retitles it and deletes it', async () => {
    const [ada, bo] = await openTwoWindows(fixture.contexts, fixture.baseUrl, uniqueList('live'));
    await addTask(ada, 'Call the venue');
    const id = await rowId(bo, 'Call the venue');
    await bo.locator(`[data-task-id="${id}"] [data-testid="task-expand"]`).focus();
    const announced = () => bo.getByTestId('announcer').innerText();
    expect(await bo.getByTestId('announcer').getAttribute('aria-live')).toBe('polite');

    await ada.locator(`[data-task-id="${id}"] [data-testid="task-toggle"]`).click();
    await until(async () => (await announced()).includes('completed “Call the venue”'), 'the completion announced');
    const title = ada.locator(`[data-task-id="${id}"] [data-testid="task-title"]`);
    await title.click();
    await title.press('End');
    await ada.keyboard.type(' today');
    await until(async () => (await announced()).includes('Ada changed the title to “Call the venue today”'), 'the new title announced, with who');
    await ada.locator(`[data-task-id="${id}"] [data-testid="task-delete"]`).click();
    await until(async () => (await announced()).includes('deleted the task you were on'), 'the delete announced');
    // Changes to a task Bo is not on are not announced.
    await addTask(ada, 'Other');
    await until(async () => (await bo.getByTestId('task').count()) === 1, 'the other task at Bo');
    expect(await announced()).toContain('deleted the task you were on');
    expect(pageErrors(ada)).toEqual([]);
    expect(pageErrors(bo)).toEqual([]);
    await Promise.all([ada.close(), bo.close()]);
  });
});
