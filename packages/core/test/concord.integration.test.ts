import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Concord } from '../src/store/concord.js';
import { waitFor } from '../src/transport/test-support/wait.js';
import { killAllRelays } from './support/relay-process.js';
import { relayWithUrlClients } from './support/url-clients.js';

// Concord given only a URL, against the REAL relay process: it builds, connects and owns its transport.

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(killAllRelays);

describe('new Concord({ url })', () => {
  it('connects on its own, works offline by choice and merges on connect()', async () => {
    const { open } = await relayWithUrlClients(cleanups);
    const ann = open('ann');
    const bo = open('bo');
    const annList = await ann.openList('errands');
    const boList = await bo.openList('errands');
    const synced = (concord: Concord) => () => concord.status.state === 'synced' && concord.status.pendingChanges === 0;

    annList.create({ title: 'Post the letter' });
    await waitFor(() => synced(ann)() && synced(bo)() && boList.tasks().length === 1, { what: 'both synced with the first task' });

    bo.disconnect();
    expect(bo.online).toBe(false);
    boList.create({ title: 'Buy stamps' });
    await waitFor(() => bo.status.state === 'offline' && bo.status.unsavedTasks === 1, { what: 'Bo offline with one unsaved task' });
    annList.create({ title: 'Water the plants' });
    await waitFor(synced(ann), { what: 'Ann synced' });
    expect(boList.tasks()).toHaveLength(2); // nothing from Ann reaches Bo while he works offline

    bo.connect();
    await waitFor(() => synced(ann)() && synced(bo)() && annList.tasks().length === 3 && boList.tasks().length === 3, { what: 'both lists merged' });
    expect(boList.tasks().map((task) => task.title)).toEqual(annList.tasks().map((task) => task.title));
    expect(bo.status).toMatchObject({ state: 'synced', online: true, unsavedTasks: 0 });
  });
});
