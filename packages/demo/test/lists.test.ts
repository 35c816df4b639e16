import { afterEach, describe, expect, it } from 'vitest';
import { createToken, verifyToken } from '../../relay/src/auth/tokens.js';
import type { Page } from 'playwright-core';
import { addTask, createList, listName, openDemo, openUrl, pageErrors, shareUrl, titles, until } from './support/demo-page.js';
import { uniqueList, useFixture } from './support/fixture.js';

/** Lists as people use them: shared by link, created from a name, renamed, switched and left, across two people. */
describe('lists and sharing', () => {
  const fixture = useFixture([{}, {}]);
  const pages: Page[] = [];
  afterEach(async () => {
    for (const page of pages.splice(0)) {
      expect(pageErrors(page)).toEqual([]);
      await page.close();
    }
  });

  it('a shared link opens the list as a different person, never as the sharer', async () => {
    const ada = await openDemo(fixture.contexts[0]!, fixture.baseUrl, uniqueList('share'), 'Ada');
    pages.push(ada);
    await addTask(ada, 'Buy bread');
    const link = await shareUrl(ada);
    expect(new URL(link).searchParams.has('user')).toBe(false);
    expect(new URL(link).searchParams.get('list')).toBe(new URL(ada.url()).searchParams.get('list'));

    const bo = await openUrl(fixture.contexts[1]!, link);
    pages.push(bo);
    await until(async () => (await titles(bo)).includes('Buy bread'), 'the shared task at the second person');
    const self = async (page: Page) => page.locator('[data-testid="peer"].is-self [data-testid="user-name"]').inputValue();
    const boName = await self(bo);
    expect(boName).not.toBe('Ada');
    // Ada sees the second person under their own name.
    await until(async () => (await ada.locator('[data-testid="peer"]:not(.is-self)').innerText()).includes(boName), 'the second person at Ada');
    // A rename of yourself survives a reload of an address with ?user=.
    await ada.getByTestId('user-name').fill('Ada L.');
    await ada.getByTestId('user-name').press('Enter');
    await until(async () => (await bo.locator('[data-testid="peer"]:not(.is-self)').innerText()).includes('Ada L.'), 'the new name at the other person');
    await ada.reload();
    await ada.getByTestId('new-task-input').waitFor();
    expect(await self(ada)).toBe('Ada L.');
  });

  it('creates a list from a name, and its renames, tasks and switching reach the other person', async () => {
    const home = uniqueList('home');
    const ada = await openDemo(fixture.contexts[0]!, fixture.baseUrl, home, 'Ada');
    pages.push(ada);
    await addTask(ada, 'Home task');
    await createList(ada, 'Weekend trip');
    const tripId = new URL(ada.url()).searchParams.get('list')!;
    expect(tripId).toMatch(/^weekend-trip-[a-z2-9]{12}$/);
    expect(await titles(ada)).toEqual([]);
    await addTask(ada, 'Pack the tent');

    const bo = await openUrl(fixture.contexts[1]!, await shareUrl(ada));
    pages.push(bo);
    await until(async () => (await listName(bo)) === 'Weekend trip', 'the list name at the second person');
    await until(async () => (await titles(bo)).includes('Pack the tent'), 'the task at the second person');

    // Bo renames it by editing the heading; Ada sees the new name, in her switcher too.
    const heading = bo.getByTestId('list-name');
    await heading.fill('Weekend in Rome');
    await heading.press('Enter');
    await until(async () => (await listName(ada)) === 'Weekend in Rome', 'the rename at Ada');
    expect(await ada.title()).toContain('Weekend in Rome');

    // Ada switches back to her first list from the recent lists, then back again.
    await ada.getByTestId('list-switcher').click();
    await Promise.all([ada.waitForURL((url) => url.searchParams.get('list') === home), ada.locator(`.recent-lists a[data-list-id="${home}"]`).click()]);
    await until(async () => (await titles(ada)).join() === 'Home task', 'the first list again');
    await ada.getByTestId('list-switcher').click();
    expect(await ada.locator(`.recent-lists a[data-list-id="${tripId}"]`).innerText()).toBe('Weekend in Rome');
    await Promise.all([ada.waitForURL((url) => url.searchParams.get('list') === tripId), ada.locator(`.recent-lists a[data-list-id="${tripId}"]`).click()]);
    await until(async () => (await titles(ada)).join() === 'Pack the tent', 'the trip list again');
    expect(await ada.getByTestId('list-id').textContent()).toBe(tripId);

    // Leaving forgets it on this device only: Ada is back on her first list, and it is gone from her recent lists.
    await ada.getByTestId('list-switcher').click();
    await Promise.all([ada.waitForURL((url) => url.searchParams.get('list') === home), ada.getByTestId('list-leave').click()]);
    await ada.getByTestId('list-switcher').click();
    expect(await ada.locator(`.recent-lists a[data-list-id="${tripId}"]`).count()).toBe(0);
    expect(await titles(bo)).toContain('Pack the tent');
  });

  it('the bare address opens the most recent list, and a first visit gets a named list of its own', async () => {
    const fresh = await fixture.contexts[1]!.browser()!.newContext();
    try {
      const page = await openUrl(fresh, fixture.baseUrl);
      const first = new URL(page.url()).searchParams.get('list');
      expect(first).toMatch(/^my-tasks-[a-z2-9]{12}$/);
      expect(await listName(page)).toBe('My tasks');
      await page.getByTestId('welcome').waitFor();
      await addTask(page, 'First thing');
      const again = await openUrl(fresh, fixture.baseUrl);
      expect(new URL(again.url()).searchParams.get('list')).toBe(first);
      await until(async () => (await titles(again)).includes('First thing'), 'the same list');
    } finally {
      await fresh.close();
    }
  });
});

describe('sharing on a relay with --auth-secret', () => {
  const SECRET = 'demo-share-secret-0123456789';
  const fixture = useFixture([{}, {}], ['--auth-secret', SECRET]);

  it('the Share button mints a link for this list only, and it opens the list for someone else', async () => {
    const list = uniqueList('auth');
    const token = await createToken({ secret: SECRET, lists: [list], mode: 'rw', ttlSeconds: 3600, sub: 'ada' });
    const ada = await openUrl(fixture.contexts[0]!, `${fixture.baseUrl}/?list=${list}&token=${token}`);
    // The token is kept in the browser and leaves the address bar, so a copied address never leaks it.
    expect(new URL(ada.url()).searchParams.has('token')).toBe(false);
    await addTask(ada, 'Secret plan');
    const link = await shareUrl(ada);
    const shared = new URL(link).searchParams.get('token')!;
    const claims = await verifyToken(SECRET, shared);
    expect(claims).toMatchObject({ lists: [list], mode: 'rw' });
    expect(claims.sub).not.toBe('ada');
    expect(claims.exp).toBeLessThanOrEqual((await verifyToken(SECRET, token)).exp);
    expect(await ada.getByTestId('share-panel').innerText()).toContain('until');

    const bo = await openUrl(fixture.contexts[1]!, link);
    await until(async () => (await titles(bo)).includes('Secret plan'), 'the shared list at the second person');
    await addTask(bo, 'Bring maps');
    await until(async () => (await titles(ada)).includes('Bring maps'), 'the second person writing through the share token');
    // A reload keeps working from the stored token.
    await bo.reload();
    await until(async () => (await titles(bo)).includes('Bring maps'), 'the list after a reload');
    await ada.getByTestId('share-read-only').check();
    await until(async () => {
      const value = await ada.getByTestId('share-url').inputValue();
      return value.startsWith('http') && value !== link ? value : undefined;
    }, 'a read-only link');
    const readOnly = await verifyToken(SECRET, new URL(await ada.getByTestId('share-url').inputValue()).searchParams.get('token')!);
    expect(readOnly.mode).toBe('ro');
    for (const page of [ada, bo]) {
      expect(pageErrors(page)).toEqual([]);
      await page.close();
    }
  });

  it('a token for one list creates a list of one’s own from a name: the relay grants it, and it syncs and shares', async () => {
    const list = uniqueList('own');
    const token = await createToken({ secret: SECRET, lists: [list], mode: 'rw', ttlSeconds: 3600, sub: 'ada' });
    const ada = await openUrl(fixture.contexts[0]!, `${fixture.baseUrl}/?list=${list}&token=${token}`);
    await addTask(ada, 'First list task');
    await createList(ada, 'Weekend trip');
    const tripId = new URL(ada.url()).searchParams.get('list')!;
    expect(tripId).toMatch(/^weekend-trip-[a-z2-9]{12}$/);
    const granted = await ada.evaluate((id) => localStorage.getItem(`concord:token:${id}`), tripId);
    expect(await verifyToken(SECRET, granted!)).toMatchObject({ sub: 'ada', lists: [tripId], mode: 'rw' });
    await addTask(ada, 'Pack the tent');
    await until(async () => (await ada.getByTestId('sync-status').textContent()) === 'synced' && (await ada.getByTestId('pending-count').textContent()) === '0', 'the new list synced');
    // The relay holds it (read back with the granted token), name included, and a share link opens it for Bo.
    const read = await fetch(`${fixture.baseUrl}/api/lists/${tripId}`, { headers: { Authorization: `Bearer ${granted}` } });
    expect(((await read.json()) as { tasks: Array<{ title: string }> }).tasks.map((task) => task.title)).toEqual(['Pack the tent']);
    const bo = await openUrl(fixture.contexts[1]!, await shareUrl(ada));
    await until(async () => (await listName(bo)) === 'Weekend trip', 'the name at Bo');
    await until(async () => (await titles(bo)).includes('Pack the tent'), 'the task at Bo');
    for (const page of [ada, bo]) {
      expect(pageErrors(page)).toEqual([]);
      await page.close();
    }
  });

  it('says a link is needed, or that the link expired, rather than that the relay cannot be reached', async () => {
    const fresh = await fixture.contexts[0]!.browser()!.newContext();
    try {
      const stranger = await openUrl(fresh, fixture.baseUrl);
      await stranger.getByTestId('access-needed').waitFor({ timeout: 20_000 });
      expect(await stranger.getByTestId('access-needed').getAttribute('data-reason')).toBe('needs-link');
      expect(await stranger.getByTestId('relay-unreachable').count()).toBe(0);
      const list = uniqueList('expired');
      const expired = await createToken({ secret: SECRET, lists: [list], mode: 'rw', ttlSeconds: 60, sub: 'ada', now: Date.now() - 120_000 });
      const late = await openUrl(fresh, `${fixture.baseUrl}/?list=${list}&token=${expired}`);
      await late.getByTestId('access-needed').waitFor({ timeout: 20_000 });
      expect(await late.getByTestId('access-needed').getAttribute('data-reason')).toBe('expired');
      for (const page of [stranger, late]) expect(pageErrors(page)).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});
