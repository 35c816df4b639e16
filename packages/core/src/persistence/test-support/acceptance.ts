import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { PersistenceAdapter } from '../persistence.js';

/**
 * The contract every persistence adapter must keep. `open` returns a fresh adapter over the SAME underlying storage
 * each time it is called within one test (a reload); each test gets its own storage via `newStorage`.
 */
export function runPersistenceAdapterTests(
  label: string,
  newStorage: () => { open: () => PersistenceAdapter },
): void {
  describe(`persistence adapter acceptance: ${label}`, () => {
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
  });
}
