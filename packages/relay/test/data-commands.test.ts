import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MessageType } from '@concord/core/protocol';
import { RawConcordClient } from './support/concord-client.js';
import { runRelayCli, startRelayProcess, useRelayData } from './support/relay-process.js';

const dir = useRelayData();

/**
 * Writes `count` updates to `doc` through a real relay (each its own stored update), then stops it with SIGTERM, or
 * with SIGKILL right after the last acknowledgement (`crash`).
 */
async function seed(data: string, doc: string, count: number, crash = false): Promise<Y.Doc> {
  const relay = await startRelayProcess(['--data', data]);
  const client = await RawConcordClient.connect(relay.url);
  client.send({ type: MessageType.Subscribe, entries: [{ doc, stateVector: Uint8Array.of(0) }] });
  await client.next((m) => m.type === MessageType.SyncReply, 'SyncReply');
  const writer = new Y.Doc();
  writer.on('update', (update: Uint8Array) => client.send({ type: MessageType.Update, doc, update }));
  for (let i = 0; i < count; i++) writer.getText('t').insert(i, String(i % 10));
  let acks = 0;
  while (acks < count) {
    await client.next((m) => m.type === MessageType.Ack, 'Ack');
    acks++;
  }
  if (crash) {
    relay.child.kill('SIGKILL');
    await relay.exited;
    return writer;
  }
  client.close();
  relay.child.kill('SIGTERM');
  expect(await relay.exited).toBe(0);
  return writer;
}

type InspectReport = ReadonlyArray<{ readonly doc: string; readonly updates: number; readonly bytes: number }>;

async function inspect(data: string): Promise<InspectReport> {
  const result = await runRelayCli(['inspect', '--data', data, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as InspectReport;
}

/** What a fresh client gets from a relay on `data` for `doc`. */
async function fetchDocument(data: string, doc: string): Promise<Y.Doc> {
  const relay = await startRelayProcess(['--data', data]);
  const client = await RawConcordClient.connect(relay.url);
  client.send({ type: MessageType.Subscribe, entries: [{ doc, stateVector: Uint8Array.of(0) }] });
  const reply = await client.next((m) => m.type === MessageType.SyncReply, 'SyncReply');
  client.close();
  relay.child.kill('SIGTERM');
  await relay.exited;
  const fetched = new Y.Doc();
  for (const entry of reply.entries) Y.applyUpdate(fetched, entry.update);
  return fetched;
}

describe('data commands on a real LevelDB directory', () => {
  it('inspect, export, import into another document, compact: the content survives every step', async () => {
    const data = join(dir.path, 'roundtrip');
    const written = await seed(data, 'notes', 40);
    const expected = written.getText('t').toString();

    const before = await inspect(data);
    expect(before).toEqual([expect.objectContaining({ doc: 'notes', updates: 40 })]);

    const backup = join(dir.path, 'notes.yjs');
    const exported = await runRelayCli(['export', 'notes', '--data', data, '--out', backup]);
    expect(exported.code, exported.stderr).toBe(0);
    const fromBackup = new Y.Doc();
    Y.applyUpdate(fromBackup, new Uint8Array(await readFile(backup)));
    expect(fromBackup.getText('t').toString()).toBe(expected);

    const imported = await runRelayCli(['import', 'restored', '--data', data, '--in', backup]);
    expect(imported.code, imported.stderr).toBe(0);
    const compacted = await runRelayCli(['compact', '--data', data]);
    expect(compacted.code, compacted.stderr).toBe(0);
    const after = await inspect(data);
    expect(after.map(({ doc, updates }) => ({ doc, updates }))).toEqual([
      { doc: 'notes', updates: 1 },
      { doc: 'restored', updates: 1 },
    ]);

    expect((await fetchDocument(data, 'notes')).getText('t').toString()).toBe(expected);
    expect((await fetchDocument(data, 'restored')).getText('t').toString()).toBe(expected);
  });

  it('after a crash, the commands see every acknowledged update, also those still only in the write-ahead log', async () => {
    const data = join(dir.path, 'crashed');
    const written = await seed(data, 'draft', 60, true);
    // At least: a crash between a background write and its checkpoint stores some twice, which is harmless.
    const [report] = await inspect(data);
    expect(report?.doc).toBe('draft');
    expect(report?.updates).toBeGreaterThanOrEqual(60);
    const backup = join(dir.path, 'draft.yjs');
    const exported = await runRelayCli(['export', 'draft', '--data', data, '--out', backup]);
    expect(exported.code, exported.stderr).toBe(0);
    const fromExport = new Y.Doc();
    Y.applyUpdate(fromExport, new Uint8Array(await readFile(backup)));
    expect(fromExport.getText('t').toString()).toBe(written.getText('t').toString());
  });

  it('import refuses bytes Yjs cannot decode: one line, exit 2, nothing stored', async () => {
    const data = join(dir.path, 'refuse');
    await seed(data, 'kept', 3);
    const garbage = join(dir.path, 'garbage.bin');
    await writeFile(garbage, Uint8Array.of(1, 2, 3, 200, 7));
    const result = await runRelayCli(['import', 'kept', '--data', data, '--in', garbage]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(await inspect(data)).toEqual([expect.objectContaining({ doc: 'kept', updates: 3 })]);
  });

  it('refuses to touch a directory a running relay holds: one line, exit 2', async () => {
    const data = join(dir.path, 'locked');
    await seed(data, 'busy', 2);
    await startRelayProcess(['--data', data]);
    for (const args of [['inspect'], ['compact'], ['export', 'busy']]) {
      const result = await runRelayCli([...args, '--data', data]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
