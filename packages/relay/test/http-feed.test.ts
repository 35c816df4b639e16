import { asTaskId } from '@concord/core';
import { describe, expect, it } from 'vitest';
import { api, openClientList, synced } from './support/http-api.js';
import { EventStream } from './support/sse.js';
import { startRelayProcess, useRelayData } from './support/relay-process.js';
import { waitFor } from './support/wait.js';

const streams: EventStream[] = [];
const closers: (() => Promise<void>)[] = [];
const data = useRelayData(() => {
  for (const stream of streams.splice(0)) stream.close();
  for (const close of closers.splice(0)) void close();
});

const eventsUrl = (port: number, list: string, after?: string): string => `http://127.0.0.1:${port}/api/lists/${list}/events${after === undefined ? '' : `?after=${after}`}`;

function stream(url: string, headers: Record<string, string> = {}): EventStream {
  const opened = new EventStream(url, headers);
  streams.push(opened);
  return opened;
}

describe('HTTP API: the change feed', () => {
  it('names each kind of change made over HTTP or by a client, in order, with pages that resume exactly after a cursor', async () => {
    const relay = await startRelayProcess(['--data', `${data.path}/kinds`]);
    const list = 'kinds';
    expect((await api(relay, 'GET', `/api/lists/${list}/events`)).body).toEqual({ events: [], next: '0' });
    const a = (await api(relay, 'POST', `/api/lists/${list}/tasks`, { body: { title: 'Ship v2' } })).body.id;
    const b = asTaskId((await api(relay, 'POST', `/api/lists/${list}/tasks`, { body: { title: 'Write notes' } })).body.id);
    await api(relay, 'PATCH', `/api/lists/${list}/tasks/${a}`, { body: { title: 'Ship v2.0', completed: true } });
    await api(relay, 'PATCH', `/api/lists/${list}/tasks/${b}`, { body: { position: { after: null } } });
    await api(relay, 'DELETE', `/api/lists/${list}/tasks/${a}`);
    await api(relay, 'POST', `/api/lists/${list}/tasks/${a}/restore`);
    const client = await openClientList(relay, list, { userId: 'bo' });
    closers.push(client.close);
    await waitFor(() => synced(client.concord) && client.list.tasks().length === 2, 'the client has both tasks');
    client.list.update(b, { completed: true });
    await waitFor(() => synced(client.concord), 'the client’s completion stored');

    const page = await api(relay, 'GET', `/api/lists/${list}/events`);
    const kinds = page.body.events.map((event) => `${event.type}:${event.task === a ? 'a' : 'b'}`);
    expect(kinds).toEqual(['created:a', 'created:b', 'renamed:a', 'completed:a', 'moved:b', 'deleted:a', 'restored:a', 'completed:b']);
    expect(page.body.events.map((event) => event.id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(page.body.events[2]).toMatchObject({ type: 'renamed', from: 'Ship v2', to: 'Ship v2.0', list });
    expect(page.body.events[4]).toMatchObject({ type: 'moved', after: null });
    expect(page.body.events[7]).toMatchObject({ type: 'completed', by: { user: 'bo', verified: false } });

    const first = await api(relay, 'GET', `/api/lists/${list}/events?limit=3`);
    expect(first.body.events.map((event) => event.id)).toEqual(['1', '2', '3']);
    const rest = await api(relay, 'GET', `/api/lists/${list}/events?after=${first.body.next}`);
    expect(rest.body.events).toEqual(page.body.events.slice(3));
    expect((await api(relay, 'GET', `/api/lists/${list}/events?after=8`)).body).toEqual({ events: [], next: '8' });
    expect((await api(relay, 'GET', `/api/lists/${list}/events?after=x`)).body.error).toMatchObject({ code: 'ERR_INVALID_CURSOR', field: 'after' });
  });

  it('streams events live as Server-Sent Events and resumes after Last-Event-ID without repeating one', async () => {
    const relay = await startRelayProcess(['--data', `${data.path}/sse`]);
    const list = 'live';
    const first = stream(eventsUrl(relay.port, list));
    expect(await first.opened).toBe(200);
    const t1 = (await api(relay, 'POST', `/api/lists/${list}/tasks`, { body: { title: 'one' } })).body.id;
    await waitFor(() => first.messages.length === 1, 'the created event streamed');
    expect(first.messages[0]).toMatchObject({ id: '1', event: 'created', data: { id: '1', task: t1, title: 'one' } });
    first.close();
    await first.ended;
    // Changes made while nobody listens are kept for the next reader.
    await api(relay, 'PATCH', `/api/lists/${list}/tasks/${t1}`, { body: { completed: true } });
    await api(relay, 'POST', `/api/lists/${list}/tasks`, { body: { title: 'two' } });
    const resumed = stream(eventsUrl(relay.port, list, '0'), { 'last-event-id': '1' });
    await waitFor(() => resumed.messages.length === 2, 'the two missed events');
    await api(relay, 'DELETE', `/api/lists/${list}/tasks/${t1}`);
    await waitFor(() => resumed.messages.length === 3, 'the live deletion');
    expect(resumed.messages.map((message) => `${message.id}:${message.event}`)).toEqual(['2:completed', '3:created', '4:deleted']);
  });

  it('after a kill -9 of the relay, a reader resuming from its last event gets every acknowledged change once', async () => {
    const dir = `${data.path}/crash`;
    const list = 'crash';
    let relay = await startRelayProcess(['--data', dir]);
    const renamed = asTaskId((await api(relay, 'POST', `/api/lists/${list}/tasks`, { body: { title: 'r0' } })).body.id);
    const reader = stream(eventsUrl(relay.port, list));
    await reader.opened;
    const created: string[] = [renamed];
    let acknowledged = 0;
    // Creations and renames in flight when the relay dies: what was acknowledged must become events, each exactly once.
    const writers = Array.from({ length: 3 }, async (_, w) => {
      for (let i = 0; ; i++) {
        const answer = await api(relay, 'POST', `/api/lists/${list}/tasks`, { body: { title: `w${w}-${i}` } }).catch(() => null);
        if (answer === null || answer.status !== 201) return;
        created.push(answer.body.id);
        acknowledged++;
      }
    });
    // A WebSocket client renames a task meanwhile: its updates are stored (and acknowledged) before the feed derives them.
    const client = await openClientList(relay, list, { userId: 'bo' });
    closers.push(client.close);
    await waitFor(() => client.list.get(renamed) !== undefined, 'the client has the task');
    const renamer = (async () => {
      for (let i = 1; i <= 10; i++) {
        client.list.update(renamed, { title: `r${i}` });
        await waitFor(() => client.concord.status.pendingChanges === 0, 'the rename stored');
      }
      await waitFor(() => acknowledged >= 20, 'creations acknowledged');
      // Killed as soon as the relay acknowledges the last rename (stored, not yet derived), creations in flight.
      client.concord.on('status', (status) => {
        if (status.pendingChanges === 0) relay.child.kill('SIGKILL');
      });
      client.list.update(renamed, { title: 'r-last' });
      await relay.exited;
      await client.close();
    })();
    await Promise.all([...writers, renamer]);
    await relay.exited;
    const seenBeforeCrash = reader.messages.length;
    const lastId = reader.messages.at(-1)?.id ?? '0';

    relay = await startRelayProcess(['--data', dir]);
    const resumed = stream(eventsUrl(relay.port, list), { 'last-event-id': lastId });
    const stored = (await api(relay, 'GET', `/api/lists/${list}`)).body.tasks;
    for (const id of created) expect(stored.some((task) => task.id === id), `acknowledged task ${id} stored`).toBe(true);
    // What the documents hold, read by a fresh client (not through the feed's view).
    const fresh = await openClientList(relay, list, { userId: 'cy' });
    closers.push(fresh.close);
    await waitFor(() => synced(fresh.concord) && fresh.list.get(renamed) !== undefined, 'a fresh client synced');
    const finalTitle = fresh.list.get(renamed)!.title;
    expect(finalTitle).toBe('r-last');
    const all = () => [...reader.messages, ...resumed.messages].map((message) => message.data as { id: string; type: string; task: string; from?: string; to?: string });
    const creations = () => all().filter((event) => event.type === 'created');
    const renames = () => all().filter((event) => event.type === 'renamed');
    await waitFor(() => creations().length >= stored.length && renames().at(-1)?.to === finalTitle, 'every stored creation and the last rename streamed');
    const events = all();
    expect(events.map((event) => event.id)).toEqual(events.map((_, i) => String(i + 1)));
    const createdIds = creations().map((event) => event.task);
    expect(new Set(createdIds).size).toBe(createdIds.length);
    expect(createdIds.sort()).toEqual(stored.map((task) => task.id).sort());
    // The renames chain from the first title to the stored one: none missed, none repeated.
    const chain = renames();
    chain.forEach((event, i) => expect(event.from).toBe(i === 0 ? 'r0' : chain[i - 1]!.to));
    expect(seenBeforeCrash).toBeGreaterThan(0);
  });
});
