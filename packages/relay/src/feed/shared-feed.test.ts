import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { asTaskId, ListDoc, TaskDoc } from '@concord/core/model';
import { DocumentReader } from './document-reader.js';
import { MemoryRecordStore, RecordFeedStore, type FeedCommit, type FeedStore } from './feed-store.js';
import { ListFeeds } from './list-feeds.js';

/** The shared store's contract in memory: a commit applies only over the version it was derived from. */
class SharedMemoryFeedStore implements FeedStore {
  readonly shared = true;
  readonly #store = new RecordFeedStore(new MemoryRecordStore());
  readonly records = this.#store.records;
  lists = (): Promise<string[]> => this.#store.lists();
  load = (list: string): ReturnType<FeedStore['load']> => this.#store.load(list);
  events = (list: string, after: number, limit: number): ReturnType<FeedStore['events']> => this.#store.events(list, after, limit);
  close = (): Promise<void> => this.#store.close();
  async version(list: string): Promise<number> {
    return (await this.#store.load(list))?.meta.version ?? 0;
  }
  async commit(list: string, commit: FeedCommit, expectedVersion: number): Promise<boolean> {
    if ((await this.version(list)) !== expectedVersion) return false;
    return this.#store.commit(list, commit);
  }
}

/** One relay's documents: what reached it. */
function relayDocs(): { docs: Map<string, Y.Doc>; feeds(store: FeedStore): Promise<ListFeeds> } {
  const docs = new Map<string, Y.Doc>();
  const reader = new DocumentReader(
    { durableDiff: (doc, sv) => Promise.resolve({ update: Y.encodeStateAsUpdate(docs.get(doc) ?? new Y.Doc(), sv) }) },
    { loadClientBindings: () => Promise.resolve(new Map()) },
  );
  return { docs, feeds: (store) => ListFeeds.open({ reader, store, logger: pino({ level: 'silent' }), onDurable: () => () => undefined, verifyEachRead: true }) };
}

const copy = (from: Y.Doc, to: Y.Doc): void => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));

describe('one feed shared by relays', () => {
  it('a relay that has not received an update another relay derived does not report it undone', async () => {
    const store = new SharedMemoryFeedStore();
    const a = relayDocs();
    const b = relayDocs();
    const id = asTaskId('t1');
    const list = new Y.Doc();
    const task = new Y.Doc();
    new TaskDoc(task).initialise({ title: 'One' }, 1_000, null);
    new ListDoc(list).add(id, null);
    for (const relay of [a, b]) {
      relay.docs.set('L', new Y.Doc());
      relay.docs.set('L/t1', new Y.Doc());
      copy(list, relay.docs.get('L')!);
      copy(task, relay.docs.get('L/t1')!);
    }
    const feedsA = await a.feeds(store);
    const feedsB = await b.feeds(store);
    await feedsA.settle('L');
    // The rename reaches A, which derives it; B has not received it yet.
    new TaskDoc(a.docs.get('L/t1')!).update({ title: 'Two' }, 2_000, null);
    await feedsA.settle('L');
    await feedsB.settle('L');
    copy(a.docs.get('L/t1')!, b.docs.get('L/t1')!);
    await feedsB.settle('L');
    const events = await store.events('L', 0, 100);
    expect(events.map(({ seq, event }) => [seq, event.kind, 'to' in event ? event.to : null])).toEqual([
      [1, 'created', null],
      [2, 'renamed', 'Two'],
    ]);
    await feedsA.close();
    await feedsB.close();
  });
});
