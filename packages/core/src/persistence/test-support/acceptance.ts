import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { PersistenceAdapter } from '../persistence.js';

/** Binds a fresh document under each name, writes `${name}:${suffix}` into it, and waits until the adapter stored it. */
async function storeTexts(adapter: PersistenceAdapter, names: readonly string[], suffix = 'stored'): Promise<void> {
  await Promise.all(
    names.map(async (name) => {
      const doc = new Y.Doc();
      await adapter.bind(name, doc);
      doc.getText('t').insert(0, `${name}:${suffix}`);
    }),
  );
  await adapter.flush();
}

async function readText(adapter: PersistenceAdapter, name: string): Promise<string> {
  const doc = new Y.Doc();
  await adapter.bind(name, doc);
  return doc.getText('t').toString();
}

/**
 * The contract every persistence adapter must keep. `open` returns a fresh adapter over the SAME underlying storage
 * each time it is called within one test (a reload); each test gets its own storage via `newStorage`.
 */
export function runPersistenceAdapterTests(
  label: string,
  newStorage: () => { open: () => PersistenceAdapter },
  /**
   * `readsAhead`: `prefetch` names every stored document of a list and hands back the views `snapshotList` stored.
   * `unboundMeta`: the adapter has `readMeta` and `writeMeta` (metadata of a document that need not be bound).
   */
  { readsAhead, unboundMeta = true }: { readonly readsAhead: boolean; readonly unboundMeta?: boolean },
): void {
  describe(`persistence adapter acceptance: ${label}`, () => {
    it.skipIf(!unboundMeta)('keeps metadata written without a binding across a snapshot and a reload, the last value winning', async () => {
      const storage = newStorage();
      const first = storage.open();
      expect(await first.readMeta!('list', 'undo')).toBeUndefined();
      await first.writeMeta!('list', 'undo', new Uint8Array([1, 2]));
      const doc = new Y.Doc();
      await first.bind('list', doc);
      doc.getText('t').insert(0, 'x');
      await first.prefetch('list');
      await first.snapshotList('list');
      await first.writeMeta!('list', 'undo', new Uint8Array([3]));
      expect(Array.from((await first.readMeta!('list', 'undo')) ?? [])).toEqual([3]);
      await first.flush();
      await first.close();

      const again = storage.open();
      await again.prefetch('list');
      expect(Array.from((await again.readMeta!('list', 'undo')) ?? [])).toEqual([3]);
      await again.close();
    });

    it.skipIf(!unboundMeta)('keeps metadata written for a document of a snapshotted list that was never bound, across the next snapshot', async () => {
      const storage = newStorage();
      const first = storage.open();
      const opening = await first.prefetch('list');
      const docs = ['list', 'list/a'].map((name) => ({ name, doc: new Y.Doc() }));
      await Promise.all(docs.map(({ name, doc }) => first.bind(name, doc)));
      opening.release();
      for (const { name, doc } of docs) doc.getText('t').insert(0, name);
      await first.writeMeta!('list', 'undo', new Uint8Array([1]));
      await first.flush();
      await first.snapshotList('list');
      await first.close();

      // Reopened with only the task bound (a list shown from its snapshot's view): its own metadata changes meanwhile.
      const second = storage.open();
      const reopening = await second.prefetch('list');
      const task = new Y.Doc();
      await second.bind('list/a', task);
      reopening.release();
      task.getText('t').insert(0, 'edited ');
      await second.writeMeta!('list', 'undo', new Uint8Array([2]));
      await second.flush();
      await second.snapshotList('list');
      await second.close();

      const third = storage.open();
      await third.prefetch('list');
      expect(Array.from((await third.readMeta!('list', 'undo')) ?? [])).toEqual([2]);
      expect(await readText(third, 'list/a')).toBe('edited list/a');
      await third.close();
    });

    it('reloads every update made before, including ones never sent anywhere', async () => {
      const storage = newStorage();
      const first = storage.open();
      const doc = new Y.Doc();
      const bound = await first.bind('list/a', doc);
      doc.getText('title').insert(0, 'hello');
      doc.getText('title').insert(5, ' world');
      doc.getMap('fields').set('completed', true);
      await bound.flush();
      await first.close();

      const reloaded = new Y.Doc();
      await storage.open().bind('list/a', reloaded);
      expect(reloaded.getText('title').toString()).toBe('hello world');
      expect(reloaded.getMap('fields').get('completed')).toBe(true);
    });

    it('stores edits made right after bind, before its promise resolves', async () => {
      const storage = newStorage();
      const adapter = storage.open();
      const doc = new Y.Doc();
      const binding = adapter.bind('early', doc);
      doc.getText('t').insert(0, 'typed at once');
      const bound = await binding;
      await bound.flush();
      await adapter.close();
      const reloaded = new Y.Doc();
      await storage.open().bind('early', reloaded);
      expect(reloaded.getText('t').toString()).toBe('typed at once');
    });

    it('stores what a document held before it was bound', async () => {
      const storage = newStorage();
      const adapter = storage.open();
      const doc = new Y.Doc();
      doc.getText('t').insert(0, 'made before bind');
      await (await adapter.bind('before', doc)).flush();
      await adapter.close();
      const reloaded = new Y.Doc();
      await storage.open().bind('before', reloaded);
      expect(reloaded.getText('t').toString()).toBe('made before bind');
    });

    it('keeps documents apart by name', async () => {
      const storage = newStorage();
      const adapter = storage.open();
      const a = new Y.Doc();
      const b = new Y.Doc();
      const boundA = await adapter.bind('a', a);
      const boundB = await adapter.bind('b', b);
      a.getText('t').insert(0, 'A');
      b.getText('t').insert(0, 'B');
      await Promise.all([boundA.flush(), boundB.flush()]);
      await adapter.close();

      const again = storage.open();
      const a2 = new Y.Doc();
      const b2 = new Y.Doc();
      await again.bind('a', a2);
      await again.bind('b', b2);
      expect(a2.getText('t').toString()).toBe('A');
      expect(b2.getText('t').toString()).toBe('B');
    });

    it('stores metadata beside a document', async () => {
      const storage = newStorage();
      const adapter = storage.open();
      const bound = await adapter.bind('doc', new Y.Doc());
      expect(await bound.getMeta('confirmed')).toBeUndefined();
      await bound.setMeta('confirmed', new Uint8Array([1, 2, 3]));
      await adapter.close();
      const again = await storage.open().bind('doc', new Y.Doc());
      expect(Array.from((await again.getMeta('confirmed')) ?? [])).toEqual([1, 2, 3]);
    });

    it('stops storing after unbind, and clear deletes the document for good', async () => {
      const storage = newStorage();
      const adapter = storage.open();
      const doc = new Y.Doc();
      const bound = await adapter.bind('gone', doc);
      doc.getText('t').insert(0, 'kept');
      await bound.flush();
      await bound.unbind();
      doc.getText('t').insert(0, 'not ');

      const reread = new Y.Doc();
      const rebound = await adapter.bind('gone', reread);
      expect(reread.getText('t').toString()).toBe('kept');
      await rebound.unbind();

      await adapter.clear('gone');
      const cleared = new Y.Doc();
      await storage.open().bind('gone', cleared);
      expect(cleared.getText('t').toString()).toBe('');
    });

    it('does not store again what it loaded', async () => {
      const storage = newStorage();
      const adapter = storage.open();
      const doc = new Y.Doc();
      const bound = await adapter.bind('echo', doc);
      doc.getText('t').insert(0, 'x');
      await bound.flush();
      await adapter.close();

      // Loading applies stored updates to the doc; if the adapter stored those again, state would double each reload.
      for (let i = 0; i < 3; i++) {
        const reopened = storage.open();
        const copy = new Y.Doc();
        await reopened.bind('echo', copy);
        expect(copy.getText('t').toString()).toBe('x');
        await reopened.close();
      }
    });

    it('flush() stores the edits of every bound document at once', async () => {
      const storage = newStorage();
      const adapter = storage.open();
      await storeTexts(adapter, ['f/a', 'f/b']);
      // Read through a second adapter while the first is still open: only what flush() stored is there.
      const reader = storage.open();
      expect([await readText(reader, 'f/a'), await readText(reader, 'f/b')]).toEqual(['f/a:stored', 'f/b:stored']);
      await Promise.all([reader.close(), adapter.close()]);
    });

    it('prefetch names the list\u2019s stored documents, no other list\u2019s, and serves them to bind at once', async () => {
      const storage = newStorage();
      const writer = storage.open();
      await storeTexts(writer, ['L', 'L/a', 'L/b', 'L-other', 'M/c']);
      await writer.close();

      const adapter = storage.open();
      const prefetched = await adapter.prefetch('L');
      const named = [...prefetched.documents.keys()].sort();
      expect(named).toEqual(readsAhead ? ['L', 'L/a', 'L/b'] : []);
      for (const name of named) {
        const doc = new Y.Doc();
        const bound = adapter.bind(name, doc);
        expect(doc.getText('t').toString()).toBe(`${name}:stored`); // before bind's promise resolves
        await bound;
      }
      prefetched.release();
      expect(await readText(adapter, 'M/c')).toBe('M/c:stored');
      await adapter.close();
    });

    it('snapshotList keeps every document of the list whole with its metadata, and hands back views until a change', async () => {
      const storage = newStorage();
      const adapter = storage.open();
      const prefetched = await adapter.prefetch('S');
      const docs = ['S', 'S/a'].map((name) => ({ name, doc: new Y.Doc() }));
      const bound = await Promise.all(
        docs.map(({ name, doc }) => adapter.bind(name, doc, { view: () => ({ text: doc.getText('t').toString() }) })),
      );
      prefetched.release();
      for (const { name, doc } of docs) doc.getText('t').insert(0, `${name}:snapshotted`);
      await bound[1]?.setMeta('confirmed', new Uint8Array([7]));
      await adapter.flush();
      await adapter.snapshotList('S');
      await adapter.close();

      const reopened = storage.open();
      const views = (await reopened.prefetch('S')).documents;
      for (const { name } of docs) expect(views.get(name)?.view).toEqual(readsAhead ? { text: `${name}:snapshotted` } : undefined);
      const doc = new Y.Doc();
      const again = await reopened.bind('S/a', doc);
      expect(doc.getText('t').toString()).toBe('S/a:snapshotted');
      expect(Array.from((await again.getMeta('confirmed')) ?? [])).toEqual([7]);
      doc.getText('t').insert(0, 'changed ');
      await reopened.close();

      const later = storage.open();
      expect((await later.prefetch('S')).documents.get('S/a')?.view).toBeUndefined();
      expect(await readText(later, 'S/a')).toBe('changed S/a:snapshotted');
      await later.close();
    });
  });
}
