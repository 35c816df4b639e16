import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MessageType } from '@concord/core/protocol';
import { RawConcordClient } from './support/concord-client.js';
import { runRelayCli, startRelayProcess, useRelayData } from './support/relay-process.js';

const dir = useRelayData();

const LIST = 'groceries';
const TASKS = ['milk', 'eggs', 'tea'] as const;

/** One person's replica of the list: the list document and a document per task, as core lays them out. */
function newReplica(): Map<string, Y.Doc> {
  return new Map([LIST, ...TASKS.map((id) => `${LIST}/${id}`)].map((name) => [name, new Y.Doc()]));
}

/**
 * Runs a relay on `data`, syncs `replica` with it, makes `change` and waits until the relay acknowledged every update
 * it made; then stops the relay (SIGTERM: a clean shutdown, which checkpoints what changed).
 */
async function session(data: string, replica: Map<string, Y.Doc>, change: () => void, flags: string[] = []): Promise<void> {
  const relay = await startRelayProcess(['--data', data, ...flags]);
  const client = await RawConcordClient.connect(relay.url);
  client.send({ type: MessageType.Subscribe, entries: [...replica].map(([doc, ydoc]) => ({ doc, stateVector: Y.encodeStateVector(ydoc) })) });
  const reply = await client.next((m) => m.type === MessageType.SyncReply, 'SyncReply');
  for (const entry of reply.entries) Y.applyUpdate(replica.get(entry.doc)!, entry.update, 'relay');
  let sent = 0;
  const stop = [...replica].map(([doc, ydoc]) => {
    const send = (update: Uint8Array, origin: unknown) => {
      if (origin === 'relay') return;
      client.send({ type: MessageType.Update, doc, update });
      sent++;
    };
    ydoc.on('update', send);
    return () => ydoc.off('update', send);
  });
  change();
  for (let acked = 0; acked < sent; acked++) await client.next((m) => m.type === MessageType.Ack, 'Ack');
  for (const off of stop) off();
  client.close();
  relay.child.kill('SIGTERM');
  expect(await relay.exited).toBe(0);
}

const titleOf = (replica: Map<string, Y.Doc>, id: string) => replica.get(`${LIST}/${id}`)!.getText('title').toString();
const entries = (replica: Map<string, Y.Doc>) => replica.get(LIST)!.getMap<Y.Map<unknown>>('tasks').toJSON() as Record<string, { order: string; deletedAt?: number }>;

describe('history on the relay', () => {
  it('keeps checkpoints through compaction and restarts, and restores a list after a wipe by another user', async () => {
    const data = `${dir.path}/history`;
    const ann = newReplica();
    await session(data, ann, () => {
      TASKS.forEach((id, i) => {
        const entry = new Y.Map<unknown>();
        entry.set('order', `a${i}`);
        ann.get(LIST)!.getMap('tasks').set(id, entry);
        ann.get(`${LIST}/${id}`)!.getText('title').insert(0, `Buy ${id}`);
      });
    });
    const beforeWipe = Date.now();
    await new Promise((resolve) => setImmediate(resolve));

    // Bob's script, on a relay that compacts every 2 updates: renames, deletes one task, purges another.
    const bob = newReplica();
    await session(
      data,
      bob,
      () => {
        const tasks = bob.get(LIST)!.getMap<Y.Map<unknown>>('tasks');
        const title = bob.get(`${LIST}/milk`)!.getText('title');
        title.delete(0, title.length);
        title.insert(0, 'wiped');
        tasks.get('eggs')!.set('deletedAt', Date.now());
        tasks.get('eggs')!.set('deletedBy', 'bob');
        tasks.delete('tea');
      },
      ['--compact-updates', '2'],
    );
    expect(Object.keys(entries(bob))).toEqual(['milk', 'eggs']);

    // Compacted, by the relay and then by the CLI: the log alone can no longer say what the list was before the wipe.
    const compacted = await runRelayCli(['compact', '--data', data]);
    expect(compacted.code, compacted.stderr).toBe(0);
    const inspect = await runRelayCli(['inspect', '--data', data, '--json']);
    const listLog = (JSON.parse(inspect.stdout) as { doc: string; updates: number }[]).find((row) => row.doc === LIST);
    expect(listLog?.updates).toBe(1);
    const history = await runRelayCli(['history', LIST, '--data', data, '--json']);
    expect(history.code, history.stderr).toBe(0);
    const checkpoints = JSON.parse(history.stdout) as { at: string }[];
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    expect(Date.parse(checkpoints[0]!.at)).toBeLessThanOrEqual(beforeWipe);

    // Refused while a relay holds the directory, with one clear line; nothing written.
    const running = await startRelayProcess(['--data', data]);
    const refused = await runRelayCli(['restore', LIST, '--to', new Date(beforeWipe).toISOString(), '--data', data]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/locked by a running relay/);
    running.child.kill('SIGTERM');
    await running.exited;

    const restore = await runRelayCli(['restore', LIST, '--to', new Date(beforeWipe).toISOString(), '--data', data]);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/restored "groceries" to .*: 2 of 4 documents changed/);
    expect(restore.stderr).toMatch(/restoring: 4\/4 documents/);

    // Every replica that syncs gets every task back, with its content before the wipe, in order.
    const carol = newReplica();
    await session(data, carol, () => undefined);
    await session(data, bob, () => undefined);
    for (const replica of [carol, bob]) {
      expect(entries(replica)).toEqual({ milk: { order: 'a0' }, eggs: { order: 'a1' }, tea: { order: 'a2' } });
      expect(TASKS.map((id) => titleOf(replica, id))).toEqual(['Buy milk', 'Buy eggs', 'Buy tea']);
    }
    // The restore is recorded in the list document for the activity feed: to when, and who (the operator's claim).
    const restores = carol.get(LIST)!.getArray<{ to: number; only: string; changed: number }>('restores');
    const recorded = restores.toArray();
    expect(recorded).toMatchObject([{ to: beforeWipe, only: '', changed: 2 }]);
    const writer = String(restores._start!.id.client);
    expect(carol.get(LIST)!.getMap('authors').get(writer)).toBe('concord-relay restore');
  });

  it('refuses a time before the first checkpoint or not a time, clearly', async () => {
    const data = `${dir.path}/early`;
    const ann = newReplica();
    await session(data, ann, () => ann.get(`${LIST}/milk`)!.getText('title').insert(0, 'x'));
    const early = await runRelayCli(['restore', `${LIST}/milk`, '--to', '2000-01-01T00:00:00Z', '--data', data]);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/no history of "groceries\/milk" at 2000-01-01T00:00:00.000Z: it starts at/);
    const garbage = await runRelayCli(['restore', LIST, '--to', 'yesterday-ish', '--data', data]);
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toMatch(/invalid time "yesterday-ish"/);
  });
});
