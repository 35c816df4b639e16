import { describe, expect, it } from 'vitest';
import { addTask, openUrl, pageErrors, titles, until } from './support/demo-page.js';
import { useFixture } from './support/fixture.js';

/** A new person's first minutes, on a device that never saw the app. */
describe('first visit', () => {
  const fixture = useFixture([{ viewport: { width: 1000, height: 900 } }]);

  it('asks who you are, tells the story, and opens the list as a second person in a new window', async () => {
    const context = fixture.contexts[0]!;
    const page = await openUrl(context, fixture.baseUrl);
    const welcome = page.getByTestId('welcome');
    await welcome.waitFor();
    expect(await welcome.innerText()).toContain('Open as a second person');
    expect(await page.getByTestId('merge-explainer').count()).toBe(1);

    // Name and colour, kept on this device and shown to others.
    await page.getByTestId('welcome-name').fill('Ann');
    await page.getByTestId('welcome-name').press('Enter');
    await page.getByRole('radio', { name: 'Teal' }).check();
    await until(async () => (await page.locator('[data-testid="peer"].is-self [data-testid="user-name"]').inputValue()) === 'Ann', 'the name in the presence bar');
    const tealAvatar = await page.locator('[data-testid="peer"].is-self .avatar').evaluate((avatar) => getComputedStyle(avatar).backgroundColor);
    expect(tealAvatar).toBe('rgb(14, 116, 144)');
    await addTask(page, 'Try it together');

    const [second] = await Promise.all([context.waitForEvent('page'), page.getByTestId('second-person').click()]);
    await second.getByTestId('new-task-input').waitFor();
    expect(new URL(second.url()).searchParams.get('list')).toBe(new URL(page.url()).searchParams.get('list'));
    await until(async () => (await titles(second)).includes('Try it together'), 'the list in the second window');
    await until(async () => (await page.locator('[data-testid="peer"]:not(.is-self)').allInnerTexts()).some((text) => text.includes('Second person')), 'the second person at Ann');

    // Dismissed once, it stays dismissed; the footer brings it back.
    await page.getByTestId('welcome-dismiss').click();
    await page.reload();
    await page.getByTestId('new-task-input').waitFor();
    expect(await page.getByTestId('welcome').count()).toBe(0);
    expect(await page.locator('[data-testid="peer"].is-self [data-testid="user-name"]').inputValue()).toBe('Ann');
    await page.getByTestId('show-welcome').click();
    await welcome.waitFor();
    expect(pageErrors(page)).toEqual([]);
    expect(pageErrors(second)).toEqual([]);
  });
});
