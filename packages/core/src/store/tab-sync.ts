import * as Y from 'yjs';

type TabMessage =
  | { readonly type: 'hello'; readonly from: string; readonly vectors: Record<string, Uint8Array> }
  | { readonly type: 'updates'; readonly from: string; readonly updates: ReadonlyArray<readonly [doc: string, update: Uint8Array]> };

/**
 * Keeps the tabs of one browser that have the same list open in step with no relay at all: every local update of a
 * list's documents is posted on one BroadcastChannel per list, and a tab that opens says which state it has so the
 * others send it what it lacks (an edit can be posted before a newly opened tab listens, yet after it read storage).
 *
 * Every tab keeps its own relay connection and sends what it holds, so the relay receives an edit even if the tab that
 * made it goes away first; Yjs makes the duplicate harmless. Each tab's pending count therefore means "changes in this
 * browser that the relay has not confirmed", and the same change counted in two tabs is still one change each sees.
 */
export class TabSync {
  private readonly channel: BroadcastChannel;
  private readonly id = Math.random().toString(36).slice(2);
  private readonly docs = new Map<string, { doc: Y.Doc; onUpdate: (update: Uint8Array, origin: unknown) => void }>();
  /** Updates of this turn, posted as one message (a list arriving from the relay updates a thousand documents at once). */
  private outbox: Array<readonly [string, Uint8Array]> = [];

  /** Whether this environment can sync tabs (BroadcastChannel exists). */
  static get available(): boolean {
    return typeof BroadcastChannel !== 'undefined';
  }

  constructor(listId: string) {
    this.channel = new BroadcastChannel(`concord:${listId}`);
    this.channel.onmessage = (event: MessageEvent<TabMessage>) => this.receive(event.data);
  }

  /** Starts exchanging updates of these documents, and asks other tabs for what they hold that this tab lacks. */
  add(entries: ReadonlyArray<{ readonly name: string; readonly doc: Y.Doc }>): void {
    const vectors: Record<string, Uint8Array> = {};
    for (const { name, doc } of entries) {
      if (this.docs.has(name)) continue;
      const onUpdate = (update: Uint8Array, origin: unknown) => {
        if (origin !== this) this.queue(name, update);
      };
      doc.on('update', onUpdate);
      this.docs.set(name, { doc, onUpdate });
      vectors[name] = Y.encodeStateVector(doc);
    }
    if (Object.keys(vectors).length > 0) this.post({ type: 'hello', from: this.id, vectors });
  }

  remove(name: string): void {
    const entry = this.docs.get(name);
    entry?.doc.off('update', entry.onUpdate);
    this.docs.delete(name);
  }

  destroy(): void {
    for (const name of [...this.docs.keys()]) this.remove(name);
    this.channel.close();
  }

  private receive(message: TabMessage): void {
    if (message.from === this.id) return;
    if (message.type === 'updates') {
      for (const [name, update] of message.updates) {
        const entry = this.docs.get(name);
        if (!entry) continue;
        try {
          Y.applyUpdate(entry.doc, update, this);
        } catch {
          // Another tab's update that Yjs cannot apply is dropped here; the relay's catch-up is the authority.
        }
      }
      return;
    }
    for (const [name, vector] of Object.entries(message.vectors)) {
      const entry = this.docs.get(name);
      if (!entry) continue;
      const update = Y.encodeStateAsUpdate(entry.doc, vector);
      if (update.byteLength > 2) this.queue(name, update);
    }
  }

  private queue(name: string, update: Uint8Array): void {
    this.outbox.push([name, update]);
    if (this.outbox.length > 1) return;
    queueMicrotask(() => {
      const updates = this.outbox;
      this.outbox = [];
      if (this.docs.size > 0) this.post({ type: 'updates', from: this.id, updates });
    });
  }

  private post(message: TabMessage): void {
    this.channel.postMessage(message);
  }
}
