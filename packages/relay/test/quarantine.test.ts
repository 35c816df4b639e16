import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MessageType } from '@concord/core/protocol';
import { LevelDbStorage } from '../src/storage/leveldb-storage.js';
import { RawConcordClient } from './support/concord-client.js';
import { craftUpdate } from './support/crafted-updates.js';
import { killAllRelays, runRelayCli, startRelayProcess, tempDir } from './support/relay-process.js';

let dir: { path: string; remove: () => Promise<void> };
const dirs: { remove: () => Promise<void> }[] = [];
beforeEach(async () => {
  dir = await tempDir();
  dirs.push(dir);
});
afterEach(() => killAllRelays());
afterAll(async () => {
  for (const each of dirs) await each.remove();
});

/** Ten one-letter edits of client 42, each its own update. */
function honestEdits(): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = 42;
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (const letter of 'honest-log') doc.getText('t').insert(doc.getText('t').length, letter);
  return updates;
}

const selfReference = craftUpdate({ structs: [{ client: 9, clock: 0, items: [{ text: 'x', origin: [9, 4] }] }] });
const aheadOnClient42 = craftUpdate({ structs: [{ client: 42, clock: 4, items: [{ text: 'EVIL' }] }] });

/** A log as a relay that did not screen updates stored it: a corrupt update and a stranger's gap among honest edits. */
async function poisonedDirectory(data: string): Promise<Uint8Array[]> {
  const honest = honestEdits();
  const storage = await LevelDbStorage.open(data);
  const log = [...honest.slice(0, 2), selfReference, ...honest.slice(2, 3), aheadOnClient42, ...honest.slice(3)];
  await storage.appendUpdates(log.map((update) => ({ doc: 'list/task', update })));
  await storage.appendUpdates([{ doc: 'clean', update: honest[0] as Uint8Array }]);
  await storage.close();
  return honest;
}

/** What a fresh client gets for `doc`, applied as providers apply it (with an update listener); throws if it would not apply. */
async function fetchText(url: string, doc: string): Promise<string> {
  const client = await RawConcordClient.connect(url);
  client.send({ type: MessageType.Subscribe, entries: [{ doc, stateVector: Uint8Array.of(0) }] });
  const reply = await client.next((m) => m.type === MessageType.SyncReply, 'SyncReply');
  client.close();
  const fetched = new Y.Doc();
  fetched.on('update', () => undefined);
  for (const entry of reply.entries) Y.applyUpdate(fetched, entry.update);
  return fetched.getText('t').toString();
}

describe('verify, --repair and the quarantine commands on a real LevelDB directory', () => {
  it('finds what would not apply, quarantines it, lists, exports and releases it', async () => {
    await poisonedDirectory(dir.path);
    const found = await runRelayCli(['verify', '--data', dir.path]);
    expect(found.code, found.stderr).toBe(1);
    expect(found.stdout).toContain('"list/task": 2 of 12 updates would not apply: #2 (self_reference), #4 (conflicting_clocks)');
    expect(found.stdout).toContain('verified 2 documents: 1 ok, 1 with updates that would not apply (2 updates)');
    expect(found.stderr).toContain('--repair');

    const repaired = await runRelayCli(['verify', '--data', dir.path, '--repair']);
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stdout).toContain('"list/task": moved 2 updates to the quarantine');
    expect(repaired.stderr).toContain('verifying: 2/2 documents');
    expect((await runRelayCli(['verify', '--data', dir.path])).stdout).toContain('verified 2 documents: 2 ok, 0 with updates');

    const listed = await runRelayCli(['quarantine', 'list', '--data', dir.path, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const entries = JSON.parse(listed.stdout) as { doc: string; id: number; reason: string; bytes: number }[];
    expect(entries.map(({ doc, reason }) => ({ doc, reason }))).toEqual([
      { doc: 'list/task', reason: 'self_reference' },
      { doc: 'list/task', reason: 'conflicting_clocks' },
    ]);
    const out = join(dir.path, 'exported.bin');
    const first = entries[0] as { id: number };
    expect((await runRelayCli(['quarantine', 'export', 'list/task', String(first.id), '--data', dir.path, '--out', out])).code).toBe(0);
    expect(new Uint8Array(await readFile(out))).toEqual(selfReference);

    const relay = await startRelayProcess(['--data', dir.path]);
    expect(await fetchText(relay.url, 'list/task')).toBe('honest-log');
    const locked = await runRelayCli(['quarantine', 'release', 'list/task', String(first.id), '--data', dir.path]);
    expect(locked.code).toBe(2);
    expect(locked.stderr).toContain('locked by a running relay');
    relay.child.kill('SIGTERM');
    await relay.exited;

    const released = await runRelayCli(['quarantine', 'release', 'list/task', String(first.id), '--data', dir.path]);
    expect(released.code, released.stderr).toBe(0);
    expect((await runRelayCli(['quarantine', 'list', '--data', dir.path, '--json'])).stdout).not.toContain('self_reference');
    expect((await runRelayCli(['quarantine', 'release', 'list/task', String(first.id), '--data', dir.path])).code).toBe(2);
  }, 60_000);

  it('import refuses an update that would not apply to the stored document', async () => {
    await poisonedDirectory(dir.path);
    const file = join(dir.path, 'bad.bin');
    await writeFile(file, craftUpdate({ deletes: [{ client: 42, ranges: [[0, 0]] }] }));
    const refused = await runRelayCli(['import', 'clean', '--data', dir.path, '--in', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('would not apply to "clean" (empty_delete_range)');
  }, 30_000);

  it('a relay loading a poisoned log serves the rest, quarantines the bad updates, and counts them in /metrics', async () => {
    await poisonedDirectory(dir.path);
    const relay = await startRelayProcess(['--data', dir.path]);
    expect(await fetchText(relay.url, 'list/task')).toBe('honest-log');
    const metrics = await (await fetch(`${relay.url.replace('ws:', 'http:')}/metrics`)).text();
    expect(metrics).toContain('concord_relay_quarantined_updates_total{reason="self_reference"} 1');
    expect(metrics).toContain('concord_relay_quarantined_updates_total{reason="conflicting_clocks"} 1');
    relay.child.kill('SIGTERM');
    await relay.exited;
    // After a restart too: the quarantine was written, not just skipped in memory.
    const listed = await runRelayCli(['quarantine', 'list', 'list/task', '--data', dir.path]);
    expect(listed.stdout).toContain('2 quarantined updates');
    const again = await startRelayProcess(['--data', dir.path]);
    expect(await fetchText(again.url, 'list/task')).toBe('honest-log');
  }, 60_000);
});
