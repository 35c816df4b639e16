import { createServer, type Server } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTask, openDemo, pageErrors, rowId, syncState, typeInTitle, until, waitForState } from './support/demo-page.js';
import { startFixture, uniqueList, type Fixture } from './support/fixture.js';
import { falseSynced, frames, sampleFrames, sampleFramesNow, visibleChanges } from './support/frames.js';

const TASKS = 1_000;

/** What a person sees of a list's sync status, checked every frame against core and against what the relay holds. */
describe('sync status in the page', () => {
  let fixture: Fixture;
  const contexts: BrowserContext[] = [];
  const bigList = uniqueList('join');

  async function newContext(): Promise<BrowserContext> {
    const context = await fixture.browser.newContext({ viewport: { width: 900, height: 800 } });
    contexts.push(context);
    return context;
  }

  /** A page on `list` that has not waited for anything (the demo's `openDemo` waits for the list to show). */
  async function navigate(context: BrowserContext, list: string, extra = ''): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${fixture.relay.httpUrl}/?list=${list}&user=Reader${extra}`);
    return page;
  }

  beforeAll(async () => {
    fixture = await startFixture();
    // Someone else writes a list of 1,000 tasks (title, description, completion) and waits until the relay holds it.
    const author = await openDemo(await newContext(), fixture.relay.httpUrl, bigList, 'Author');
    await waitForState(author, 'synced');
    await author.evaluate((count) => {
      const list = window.concordDemo!.list!;
      for (let i = 0; i < count; i++) list.create({ title: `Task ${i}`, description: `About task ${i}`, completed: i % 3 === 0 });
    }, TASKS);
    await until(
      () => author.evaluate(() => window.concordDemo?.list?.status.state === 'synced' && window.concordDemo.list.status.pendingChanges === 0),
      'the author to save 1,000 tasks on the relay',
      60_000,
    );
    await author.close();
  });

  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await fixture?.close();
  });

  it('joining a large list: never synced early, "Loading this list…" and never "No tasks yet"', async () => {
    const context = await newContext();
    await sampleFrames(context);
    const page = await navigate(context, bigList);
    await until(
      () => page.evaluate(() => window.concordFrames?.some((sample) => sample.page === 'synced')),
      'the page to say synced',
      30_000,
    );
    const samples = await frames(page);
    expect(falseSynced(samples, TASKS)).toEqual([]);
    expect(samples.filter((sample) => sample.empty === 'empty')).toEqual([]);
    expect(samples.some((sample) => sample.empty === 'list-loading')).toBe(true);
    const last = samples.at(-1)!;
    expect(last).toMatchObject({ core: 'synced', tasks: TASKS, untitled: 0 });
    expect(pageErrors(page)).toEqual([]);
  });

  it('a large list: every row gets its task fields, and the controls of one row only are in the Tab order', async () => {
    const context = await newContext();
    const page = await navigate(context, bigList);
    await waitForState(page, 'synced', 30_000);
    // Rows beyond the first screen get their fields when the page is idle: in the end every row has them.
    await until(
      () => page.evaluate((count) => document.querySelectorAll('[data-testid="task"] [data-testid="task-due"]').length === count, TASKS),
      'every row to show its task fields',
      30_000,
    );
    const tabbableRows = () =>
      page.evaluate(() => {
        const controls = document.querySelectorAll('[data-testid="task"] :is(button, input, textarea, select):not([tabindex="-1"])');
        return new Set([...controls].map((control) => control.closest('[data-testid="task"]'))).size;
      });
    await until(async () => (await tabbableRows()) === 1, 'one row in the Tab order', 10_000);
    expect(pageErrors(page)).toEqual([]);
  });

  it('joining offline: says the list has not been downloaded yet, then loads it once online', async () => {
    const context = await newContext();
    await context.addInitScript(() => sessionStorage.setItem('concord:work-offline', '1'));
    await sampleFrames(context);
    const page = await navigate(context, bigList);
    await page.getByTestId('not-downloaded').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('not-downloaded').textContent()).toContain("This list hasn't been downloaded to this device yet");
    expect(await syncState(page)).toEqual({ state: 'offline', pending: 0 });
    await page.getByTestId('connection-toggle').uncheck();
    await waitForState(page, 'synced', 30_000);
    const samples = await frames(page);
    expect(samples.filter((sample) => sample.empty === 'empty')).toEqual([]);
    expect(falseSynced(samples, TASKS)).toEqual([]);
  });

  it('relay unreachable: says so plainly after a few seconds, and keeps retrying', async () => {
    // A port that accepts TCP and drops it at once: every attempt fails, and each one is counted.
    let attempts = 0;
    const dead: Server = createServer((socket) => {
      attempts++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const port = (dead.address() as { port: number }).port;
    try {
      const context = await newContext();
      const page = await navigate(context, uniqueList('unreachable'), `&relay=${encodeURIComponent(`ws://127.0.0.1:${port}`)}`);
      await page.getByTestId('relay-unreachable').waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('relay-unreachable').textContent()).toMatch(/can't reach the relay/i);
      expect(await page.getByTestId('list-loading').count()).toBe(1); // never "No tasks yet" for a list it never saw
      const seen = attempts;
      await until(() => attempts > seen, 'another connection attempt', 30_000);
      expect((await syncState(page)).state).toBe('connecting');
    } finally {
      await new Promise((resolve) => dead.close(resolve));
    }
  });

  it('rapid typing: at most two visible status changes, never synced while core is not', async () => {
    const context = await newContext();
    const page = await openDemo(context, fixture.relay.httpUrl, uniqueList('typing'), 'Typist');
    await addTask(page, 'Typed');
    await waitForState(page, 'synced');
    const id = await rowId(page, 'Typed');
    await sampleFramesNow(page);
    // A person's pace: each keystroke is acknowledged before the next, so core returns to synced between them.
    await typeInTitle(page, id, ' eighteen letters!', 80);
    await until(async () => (await syncState(page)).state === 'synced', 'the page to say synced again');
    await until(() => page.evaluate(() => window.concordFrames!.length > 30), 'a few more frames');
    const samples = await frames(page);
    expect(falseSynced(samples)).toEqual([]);
    expect(visibleChanges(samples)).toBeLessThanOrEqual(2);
  });

  it('counts tasks deleted and purged offline as not yet saved, also after a reload', async () => {
    const context = await newContext();
    const page = await openDemo(context, fixture.relay.httpUrl, uniqueList('deletes'), 'Deleter');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
    for (const title of ['Keep', 'Drop one', 'Drop two', 'Purge me']) await addTask(page, title);
    const purged = await rowId(page, 'Purge me');
    await page.locator(`[data-task-id="${purged}"] [data-testid="task-delete"]`).click();
    await waitForState(page, 'synced');
    await context.setOffline(true);
    await waitForState(page, 'offline', 15_000);
    for (const title of ['Drop one', 'Drop two']) {
      await page.locator(`[data-task-id="${await rowId(page, title)}"] [data-testid="task-delete"]`).click();
    }
    // Deleted for good from the trash: a deletion only, which moves no Yjs clock.
    await page.getByTestId('trash-toggle').click();
    await page.locator(`[data-testid="trash-item"][data-task-id="${purged}"] [data-testid="task-purge"]`).click();
    await until(async () => (await syncState(page)).pending === 3, 'three tasks counted as not yet saved');
    expect(await page.locator('.sync-pending').textContent()).toMatch(/3\s+tasks not yet saved/);
    await page.evaluate(() => window.concordDemo?.list?.flush());

    await page.reload();
    await page.getByTestId('new-task-input').waitFor({ timeout: 15_000 });
    await until(async () => (await syncState(page)).pending === 3, 'the reloaded page to count the deletions and the purge', 15_000);
    expect(await page.locator('.sync-pending').textContent()).toMatch(/3\s+tasks not yet saved/);
    expect((await syncState(page)).state).toBe('offline');
    await context.setOffline(false);
    await until(async () => {
      const state = await syncState(page);
      return state.state === 'synced' && state.pending === 0;
    }, 'the deletions to reach the relay', 30_000);
  });
});
