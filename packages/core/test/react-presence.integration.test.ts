// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { createElement as h, StrictMode } from 'react';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Presence } from '../src/bindings/presence.js';
import { ConcordProvider, usePresence, useTaskList } from '../src/react/hooks.js';
import { killAllRelays } from './support/relay-process.js';
import { relayWithUrlClients } from './support/url-clients.js';

// usePresence against the REAL relay process: awareness travels over concord.v1 as it does in an app.

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  cleanup();
  for (const close of cleanups.splice(0).reverse()) await close();
});
afterAll(killAllRelays);

describe('usePresence over a real relay', () => {
  it('shows who is on the list and who edits which task, publishes you, and shows only you while offline', async () => {
    const { open } = await relayWithUrlClients(cleanups);
    const bo = open('bo');
    const boList = await bo.openList('team');
    const id = boList.create({ title: 'Plan' });
    const boPresence = new Presence(boList.awareness);
    boPresence.setUser({ name: 'Bo' });

    const ada = open('ada');
    function People() {
      const { list } = useTaskList('team');
      const { peers, editorsByTask } = usePresence(list, { name: 'Ada' });
      const editing = editorsByTask.get(id)?.map((peer) => `${peer.user.name}@${peer.editing?.field}`).join(',') ?? '';
      return h('p', null, `${peers.map((peer) => `${peer.user.name}${peer.self ? '*' : ''}`).join(',')} editing:${editing}`);
    }
    render(h(StrictMode, null, h(ConcordProvider, { concord: ada }, h(People))));
    boPresence.setEditing({ taskId: id, field: 'title' });
    await waitFor(() => expect(screen.getByRole('paragraph').textContent).toBe('Ada*,Bo editing:Bo@title'), { timeout: 10_000 });
    await waitFor(() => expect(boPresence.peers().map((peer) => peer.user.name)).toEqual(['Bo', 'Ada']), { timeout: 10_000 });

    boPresence.setEditing(null);
    await waitFor(() => expect(screen.getByRole('paragraph').textContent).toBe('Ada*,Bo editing:'), { timeout: 10_000 });
    ada.disconnect();
    await waitFor(() => expect(screen.getByRole('paragraph').textContent).toBe('Ada* editing:'), { timeout: 10_000 });
  });
});
