import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe.js';
import { addTask, listName, openDemo, openUrl, pageErrors, titles, until } from './support/demo-page.js';
import { uniqueList, useFixture } from './support/fixture.js';

/** A `?list=` that is no list id opens the app and says so, never an error page. */
describe('a link that does not point to a list', () => {
  const fixture = useFixture([{}, {}]);
  const pages: Page[] = [];
  afterEach(async () => {
    for (const page of pages.splice(0)) {
      expect(pageErrors(page)).toEqual([]);
      await page.close();
    }
  });

  it('a name typed in ?list= opens the recent list with a clear message, and offers to create a list with that name', async () => {
    const home = uniqueList('home');
    const first = await openDemo(fixture.contexts[0]!, fixture.baseUrl, home, 'Ada');
    pages.push(first);
    await addTask(first, 'Home task');

    const page = await openUrl(fixture.contexts[0]!, `${fixture.baseUrl}/?list=${encodeURIComponent('Weekend trip')}`);
    pages.push(page);
    const notice = page.getByTestId('bad-link');
    await notice.waitFor();
    expect(await notice.getByRole('heading', { level: 2 }).innerText()).toBe("This link doesn't point to a list");
    expect(await page.getByTestId('bad-link-text').innerText()).toBe('Weekend trip');
    // The app is open on the most recent list, with no error shown: the address is that list's now.
    expect(await page.getByTestId('error').count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('list')).toBe(home);
    await until(async () => (await titles(page)).includes('Home task'), 'the recent list under the notice');
    expect(await axeViolations(page), 'the page with the notice').toEqual([]);

    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('list')?.startsWith('weekend-trip-') === true),
      page.getByTestId('bad-link-create').click(),
    ]);
    await page.getByTestId('new-task-input').waitFor();
    await until(async () => (await listName(page)) === 'Weekend trip', 'the new list named from the link');
    expect(await page.getByTestId('bad-link').count()).toBe(0);
    expect(await titles(page)).toEqual([]);
  });

  it('a first visit on a damaged link opens a list of its own, lists the way on, and the notice can be dismissed', async () => {
    const page = await openUrl(fixture.contexts[1]!, `${fixture.baseUrl}/?list=${encodeURIComponent('12/34?')}`);
    pages.push(page);
    await page.getByTestId('bad-link').waitFor();
    expect(await page.getByTestId('bad-link-create').count()).toBe(0); // no name to offer
    expect(await page.getByTestId('error').count()).toBe(0);
    expect(await listName(page)).toBe('My tasks');
    expect(await page.locator('h1').count()).toBe(1);
    await page.getByTestId('bad-link-dismiss').click();
    expect(await page.getByTestId('bad-link').count()).toBe(0);
    await until(async () => page.evaluate(() => document.activeElement?.id === 'new-task'), 'focus on the new-task field');
    await addTask(page, 'Still works');
  });
});
