import type { ClientBinding } from '../protocol/messages.js';
import type { PersistedDocument } from '../persistence/persistence.js';
import type { Transport } from '../transport/transport.js';
import type { Verifier } from './authors.js';

/** The list document's meta key under which the bindings the relay sent for the list's documents are kept. */
export const BINDINGS_META_KEY = 'bindings';

/**
 * The bindings of client ids to users a relay with authentication sent for the documents of one list (`Bindings`
 * frames), kept beside the list document so they are known offline: a claim in a document that agrees with them is
 * verified. Only the relay's word counts here; the documents' claims are read where they are.
 */
export class VerifiedClients {
  private readonly byDoc = new Map<string, Map<number, string>>();
  private store: PersistedDocument | null = null;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly listId: string,
    private readonly onChanged: (doc: string) => void,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Listens to the transport's bindings for this list's documents; returns the function that stops listening. */
  follow(transport: Transport | null): () => void {
    if (transport === null) return () => undefined;
    const listener = (name: string, bindings: readonly ClientBinding[]) => {
      if (name === this.listId || name.startsWith(`${this.listId}/`)) this.add(name, bindings);
    };
    transport.on('bindings', listener);
    return () => transport.off('bindings', listener);
  }

  verifier(doc: string): Verifier {
    return (client, user) => this.byDoc.get(doc)?.get(client) === user;
  }

  /** Reads what an earlier session kept (merged with what arrived meanwhile), and keeps what arrives from now on. */
  async load(store: PersistedDocument | null): Promise<void> {
    if (store === null) return;
    const bytes = await store.getMeta(BINDINGS_META_KEY);
    this.store = store;
    let stored: unknown = null;
    try {
      stored = bytes === undefined ? null : JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      stored = null; // An unreadable record: the relay sends the bindings again on the next sync.
    }
    if (typeof stored === 'object' && stored !== null) {
      for (const [doc, bindings] of Object.entries(stored as Record<string, unknown>)) {
        if (typeof bindings !== 'object' || bindings === null) continue;
        const entries = Object.entries(bindings as Record<string, unknown>).flatMap(([client, user]) =>
          typeof user === 'string' && Number.isSafeInteger(Number(client)) ? [{ client: Number(client), user }] : [],
        );
        this.add(doc, entries, false);
      }
    }
    this.save();
  }

  add(doc: string, bindings: readonly ClientBinding[], save = true): void {
    let known = this.byDoc.get(doc);
    let changed = false;
    for (const { client, user } of bindings) {
      if (known?.get(client) === user) continue;
      if (known === undefined) this.byDoc.set(doc, (known = new Map<number, string>()));
      known.set(client, user);
      changed = true;
    }
    if (!changed) return;
    if (save) this.save();
    this.onChanged(doc);
  }

  private save(): void {
    const store = this.store;
    if (store === null) return;
    const record: Record<string, Record<string, string>> = {};
    for (const [doc, bindings] of this.byDoc) record[doc] = Object.fromEntries([...bindings].map(([client, user]) => [String(client), user]));
    const bytes = new TextEncoder().encode(JSON.stringify(record));
    this.saving = this.saving.then(() => store.setMeta(BINDINGS_META_KEY, bytes)).catch((error: unknown) => this.onError(error instanceof Error ? error : new Error(String(error))));
  }

  /** Resolves once what arrived is stored. */
  async flush(): Promise<void> {
    await this.saving;
  }
}
