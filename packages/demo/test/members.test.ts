import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createToken } from '../../relay/src/auth/tokens.js';
import { addTask, openDemo, openTwoWindows, openUrl, pageErrors, rowId, shareUrl, until } from './support/demo-page.js';
import { uniqueList, useFixture } from './support/fixture.js';

interface MemberRow {
  readonly name: string;
  readonly online: boolean;
  readonly state: string;
  /** 'verified', 'unverified' or 'no changes yet'. */
  readonly proof: string;
}

async function members(page: Page): Promise<MemberRow[]> {
  return page.locator('[data-testid="member"]').evaluateAll((rows) =>
    rows.map((row) => ({
      name: row.querySelector('.member-name')?.textContent?.trim() ?? '',
      online: (row as HTMLElement).dataset.online === 'true',
      state: row.querySelector('[data-testid="member-state"]')?.textContent?.trim() ?? '',
      proof: row.querySelector('[data-testid="member-verified"]')?.textContent?.trim() ?? '',
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
    // Cy's claim arrives with the list document, the time of Cy's change with the task's: until the task document has
    // arrived too the row says that Cy wrote here, never that Cy was not seen.
    expect((await members(adaAgain)).find((row) => row.name === 'Cy')?.state).toMatch(/^(wrote to this list|last seen )/);
    await until(async () => /^last seen /.test((await members(adaAgain)).find((row) => row.name === 'Cy')?.state ?? ''), 'Cy last seen');
    expect((await members(adaAgain)).find((row) => row.name === 'Cy')?.online).toBe(false);
    expect((await members(adaAgain)).map((row) => row.name).sort()).toEqual(['Ada (you)', 'Bo', 'Cy']);
    expect(pageErrors(adaAgain)).toEqual([]);
    await adaAgain.close();
  });

  it('someone who renames themselves stays one member; an online reader who never wrote is shown only while here', async () => {
    const list = uniqueList('rename');
    const [ada, bo] = await openTwoWindows(fixture.contexts, fixture.baseUrl, list);
    await addTask(ada, 'Before the rename');
    // Bo only reads: online, but no author of the list.
    await until(async () => (await members(ada)).find((row) => row.name === 'Bo')?.proof === 'no changes yet', 'Bo online, no changes yet');
    await ada.getByTestId('user-name').fill('Ada L.');
    await ada.getByTestId('user-name').press('Enter');
    await ada.reload();
    await ada.getByTestId('new-task-input').waitFor();
    await addTask(ada, 'After the rename');
    // Her writes under both names are one member, shown by her current name, unverified on a relay without tokens.
    await until(async () => {
      const rows = await members(bo);
      return rows.length === 2 && rows[1]?.name === 'Ada L.' && rows[1].proof === 'unverified';
    }, 'one member Ada L. at Bo', 20_000).catch(async (error: unknown) => {
      throw new Error(`${String(error)}: ${JSON.stringify(await members(bo))}`);
    });
    await bo.close();
    await until(async () => (await members(ada)).every((row) => row.name !== 'Bo'), 'Bo gone from the members once he left, never having written');
    expect(pageErrors(ada)).toEqual([]);
    await ada.close();
  });
});

describe('members on a relay with --auth-secret', () => {
  const SECRET = 'demo-members-secret-0123456789';
  const fixture = useFixture([{}, {}], ['--auth-secret', SECRET]);

  it('marks authors the relay verified, including one who wrote through the HTTP API and one who joined by a share link', async () => {
    const list = uniqueList('verified');
    const token = await createToken({ secret: SECRET, lists: [list], mode: 'rw', ttlSeconds: 3600, sub: 'ada' });
    const ada = await openUrl(fixture.contexts[0]!, `${fixture.baseUrl}/?list=${list}&token=${token}&user=Ada`);
    await addTask(ada, 'Plan');
    const bot = await createToken({ secret: SECRET, lists: [list], mode: 'rw', ttlSeconds: 3600, sub: 'build-bot' });
    const created = await fetch(`${fixture.baseUrl}/api/lists/${list}/tasks`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bot}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Nightly build' }),
    });
    expect(created.status).toBe(201);
    const bo = await openUrl(fixture.contexts[1]!, await shareUrl(ada));
    const boName = await bo.locator('[data-testid="peer"].is-self [data-testid="user-name"]').inputValue();
    await addTask(bo, 'Bring maps');
    await until(async () => {
      const rows = await members(ada);
      const proof = (name: string) => rows.find((row) => row.name === name)?.proof;
      return rows.length === 3 && proof('Ada (you)') === 'verified' && proof('build-bot') === 'verified' && proof(boName) === 'verified';
    }, 'three verified members at Ada').catch(async (error: unknown) => {
      throw new Error(`${String(error)}: ${JSON.stringify(await members(ada))}`);
    });
    const botRow = (await members(ada)).find((row) => row.name === 'build-bot')!;
    expect(botRow.online).toBe(false);
    expect(botRow.state).toBe('last seen just now');
    for (const page of [ada, bo]) {
      expect(pageErrors(page)).toEqual([]);
      await page.close();
    }
  });
});
