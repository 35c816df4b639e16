import type { RestoreReplyMessage, VersionEntry } from '@concord/core/protocol';
import * as Y from 'yjs';
import type { RoomMember } from '../engine/member.js';
import type { RelayEngine } from '../engine/relay-engine.js';
import type { DocumentStorage } from '../storage/document-storage.js';
import type { HistoryRecorder } from './history-recorder.js';
import { restoreUpdate } from './restore.js';

const EMPTY_STATE_VECTOR = Uint8Array.of(0);
/** Documents loaded at once while restoring a list. */
const READ_AHEAD = 64;

/**
 * History served to clients over concord.v1: a document's versions (its checkpoints, the content of each for a task
 * document), and a restore written through the engine like any client's updates (stored, acknowledged, forwarded to
 * every member: the restore of a list's documents is one write batch, so connected clients get it together).
 */
export class HistoryService {
  constructor(
    private readonly engine: RelayEngine,
    private readonly storage: DocumentStorage,
    private readonly recorder: HistoryRecorder,
    private readonly now: () => number = Date.now,
  ) {}

  /** The versions of `doc`, oldest first; the last is its state now when it changed since the last checkpoint. */
  async versions(doc: string): Promise<VersionEntry[]> {
    await this.recorder.checkpointIfChanged(doc);
    const checkpoints = await this.storage.listCheckpoints(doc);
    if (!doc.includes('/') || checkpoints.length === 0) return checkpoints.map(({ at, by }) => ({ at, by, content: '' }));
    const { update } = await this.engine.durableDiff(doc, EMPTY_STATE_VECTOR);
    const current = new Y.Doc({ gc: false, guid: 'history' });
    try {
      Y.applyUpdate(current, update);
      return checkpoints.map(({ at, by, snapshot }) => {
        const then = Y.createDocFromSnapshot(current, Y.decodeSnapshot(snapshot), new Y.Doc({ gc: false, guid: 'history-then' }));
        try {
          return { at, by, content: JSON.stringify(contentOf(then)) };
        } finally {
          then.destroy();
        }
      });
    } finally {
      current.destroy();
    }
  }

  /**
   * Restores `doc` to `time` (a list: with every task document of it; history/restore.ts), written as `author`'s
   * updates. Resolves with how many documents changed, and the updates written. With `requester` (the connection that
   * asked), the updates are not forwarded to it: it gets them from the result, to apply as one step it can undo.
   */
  async restore(
    doc: string,
    time: number,
    only: string,
    author: string | undefined,
    requester?: RoomMember,
  ): Promise<Pick<RestoreReplyMessage, 'changed' | 'error'> & { readonly updates: readonly { doc: string; update: Uint8Array }[] }> {
    const checkpoints = await this.storage.listCheckpoints(doc);
    const first = checkpoints[0];
    if (first === undefined || first.at > time) return { changed: 0, error: `no history of ${doc} at ${new Date(time).toISOString()}`, updates: [] };
    const docs = doc.includes('/') ? [doc] : [doc, ...(await this.storage.listDocuments()).filter((name) => name.startsWith(`${doc}/`))];
    const member: RoomMember = {
      receiveUpdate: () => undefined,
      receiveAwareness: () => undefined,
      ...(author !== undefined && { author }),
      ...(requester !== undefined && { onBehalfOf: requester }),
    };
    const joined: string[] = [];
    const entries: { doc: string; update: Uint8Array }[] = [];
    const now = this.now();
    try {
      for (let from = 0; from < docs.length; from += READ_AHEAD) {
        const group = await Promise.all(
          docs.slice(from, from + READ_AHEAD).map(async (name) => {
            await this.engine.join(name, member);
            joined.push(name);
            const [{ update }, history, bindings] = await Promise.all([
              this.engine.durableDiff(name, EMPTY_STATE_VECTOR),
              name === doc ? checkpoints : this.storage.listCheckpoints(name),
              only === '' ? null : this.storage.loadClientBindings(name),
            ]);
            const onlyClients = bindings && new Set([...bindings].filter(([, user]) => user === only).map(([client]) => client));
            const restored = restoreUpdate({ updates: [update], checkpoints: history, isList: !name.includes('/'), now, ...(onlyClients && { onlyClients }) }, time);
            return restored && { doc: name, update: restored };
          }),
        );
        for (const entry of group) if (entry) entries.push(entry);
      }
      // Submitted in one turn: one write batch, forwarded together.
      await Promise.all(entries.map((entry) => this.engine.submitUpdate(entry.doc, member, entry.update)));
      return { changed: entries.length, error: '', updates: entries };
    } finally {
      for (const name of joined) this.engine.leave(name, member);
    }
  }
}

/** A document's top-level types as plain values: texts as strings, maps as objects. */
function contentOf(doc: Y.Doc): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  for (const [name, type] of doc.share) {
    if (type._map.size > 0) content[name] = doc.getMap(name).toJSON();
    else if (type._start !== null) content[name] = doc.getText(name).toString();
  }
  return content;
}
