import * as Y from 'yjs';
import { claimedUser } from '../attribution/authors.js';
import type { EditRecord, IdRange } from './record.js';
import { authorOf, byPriority, readRecords, recordId, sees } from './records.js';

/** Another version of a text field, kept after a collision: what the text would be had the other edit won. */
export interface TextAlternative {
  /** Stable across replicas: the id of the edit this version comes from. */
  readonly id: string;
  readonly text: string;
  /** The user id of the edit's author, when known: its client's claim in the document, else the one its record declares. */
  readonly by?: string;
  /** The edit's hybrid logical time (milliseconds since the epoch). */
  readonly at: number;
}

/** What a replica shows for a text field, and the versions it keeps beside it. */
export interface ResolvedText {
  readonly text: string;
  readonly alternatives: readonly TextAlternative[];
}

/** A character as shown: its Yjs id, and whether Yjs has it live (a character shown again is a Yjs tombstone). */
export interface ShownChar {
  readonly client: number;
  readonly clock: number;
  readonly live: boolean;
}

/** The analysis of one field's records that the slow path needs; null when no two of its edits collide. */
interface Collisions {
  readonly records: readonly EditRecord[];
  readonly all: readonly EditRecord[];
  readonly byRecord: ReadonlyMap<EditRecord, ReadonlySet<EditRecord>>;
  readonly deleters: ReadonlyMap<string, ReadonlyArray<{ readonly record: EditRecord; readonly char: string }>>;
}

const key = (client: number, clock: number): string => `${client}:${clock}`;
const within = (range: IdRange, client: number, clock: number): boolean =>
  range.client === client && clock >= range.clock && clock < range.clock + range.length;

/**
 * The text a replica shows for `field` and its alternatives: a pure function of the document, so every replica with
 * the same updates shows the same. When no two recorded edits of the field collide, the shown text is the `Y.Text`'s.
 */
export function resolveText(doc: Y.Doc, field: string): ResolvedText {
  const collisions = findCollisions(doc, field);
  if (!collisions) return { text: doc.getText(field).toString(), alternatives: [] };
  const order = [...collisions.byRecord.keys()].sort(byPriority);
  const losers = decide(order, collisions.byRecord);
  const text = render(doc, field, collisions, losers).text;
  const alternatives: TextAlternative[] = [];
  const texts = new Set([text]);
  for (const loser of order) {
    if (!losers.has(loser) || settled(collisions, loser, losers)) continue;
    const other = render(doc, field, collisions, decide([loser, ...order.filter((r) => r !== loser)], collisions.byRecord)).text;
    if (texts.has(other)) continue;
    texts.add(other);
    // The client's claim in the document's `authors` map, else the user id the record itself declares.
    const by = claimedUser(doc, loser.client) ?? authorOf(collisions.all, loser);
    alternatives.push({ id: recordId(loser), text: other, ...(by !== undefined && { by }), at: loser.time });
  }
  return { text, alternatives };
}

/** The shown text with the id of each shown character: what a local edit is made against. */
export function shownChars(doc: Y.Doc, field: string): { text: string; chars: ShownChar[] } {
  const collisions = findCollisions(doc, field);
  if (!collisions) return render(doc, field, null, new Set());
  return render(doc, field, collisions, decide([...collisions.byRecord.keys()].sort(byPriority), collisions.byRecord));
}

/** Pairs already compared, per document and field: whether two records collide never changes once both are in. */
interface Compared {
  readonly known: Set<EditRecord>;
  readonly byRecord: Map<EditRecord, Set<EditRecord>>;
}
const compared = new WeakMap<Y.Doc, Map<string, Compared>>();

/**
 * Finds the pairs of the field's records that collide: concurrent (neither had seen the other) and deleting a common
 * character, or one inserting right after a character the other deleted, or both inserting the same text (nothing
 * deleted) right after the same character.
 */
function findCollisions(doc: Y.Doc, field: string): Collisions | null {
  const all = readRecords(doc);
  const records = all.filter((record) => record.field === field);
  if (!hasConcurrent(records)) return null;
  let fields = compared.get(doc);
  if (!fields) compared.set(doc, (fields = new Map<string, Compared>()));
  let cache = fields.get(field);
  if (!cache) fields.set(field, (cache = { known: new Set<EditRecord>(), byRecord: new Map<EditRecord, Set<EditRecord>>() }));
  const { known, byRecord } = cache;
  const fresh = records.filter((record) => !known.has(record));
  if (fresh.length > 0) {
    const origins = insertOrigins(doc, records);
    const link = (a: EditRecord, b: EditRecord) => {
      let set = byRecord.get(a);
      if (!set) byRecord.set(a, (set = new Set()));
      set.add(b);
    };
    for (const a of fresh) {
      known.add(a);
      for (const b of known) {
        if (a === b || sees(a, b) || sees(b, a) || !collide(a, b, origins)) continue;
        link(a, b);
        link(b, a);
      }
    }
  }
  if (byRecord.size === 0) return null;
  const deleters = new Map<string, Array<{ record: EditRecord; char: string }>>();
  for (const record of records) {
    let offset = 0;
    for (const range of record.deleted) {
      for (let i = 0; i < range.length; i++) {
        const id = key(range.client, range.clock + i);
        let list = deleters.get(id);
        if (!list) deleters.set(id, (list = []));
        list.push({ record, char: record.deletedText[offset + i]! });
      }
      offset += range.length;
    }
  }
  return { records, all, byRecord, deleters };
}

function collide(a: EditRecord, b: EditRecord, origins: ReadonlyMap<EditRecord, Y.ID | null>): boolean {
  if (overlaps(a.deleted, b.deleted) || anchoredIn(origins.get(a), b) || anchoredIn(origins.get(b), a)) return true;
  // Two people putting back the same words at once (picking the same alternative) must not show them twice.
  const left = origins.get(a);
  const right = origins.get(b);
  return (
    a.insertedText !== undefined &&
    a.insertedText !== '' &&
    a.insertedText === b.insertedText &&
    left !== undefined &&
    right !== undefined &&
    (left === null ? right === null : right !== null && Y.compareIDs(left, right))
  );
}

/**
 * Whether any two records are concurrent. A record that saw another has a strictly larger sum of its state vector, so
 * in that order every record must have seen the one before it when all of them are ordered; one pass checks it.
 */
function hasConcurrent(records: readonly EditRecord[]): boolean {
  if (records.length < 2) return false;
  const weight = (record: EditRecord) => {
    let sum = 0;
    for (const clock of record.seen.values()) sum += clock;
    return sum;
  };
  const sorted = records.map((record) => ({ record, weight: weight(record) })).sort((a, b) => a.weight - b.weight);
  for (let i = 1; i < sorted.length; i++) if (!sees(sorted[i]!.record, sorted[i - 1]!.record)) return true;
  return false;
}

/**
 * For each record that inserted, the left origin of its inserted run (null: the start of the text): where its author
 * typed. Yjs merges an item with the item before it when the ids and origins continue each other, so the run's first
 * character may sit inside an item; its origin is then the character before it.
 */
function insertOrigins(doc: Y.Doc, records: readonly EditRecord[]): Map<EditRecord, Y.ID | null> {
  const origins = new Map<EditRecord, Y.ID | null>();
  for (const record of records) {
    const { client, clock, length } = record.inserted;
    if (length === 0 || Y.getState(doc.store, client) <= clock) continue;
    const item = Y.getItem(doc.store, Y.createID(client, clock));
    if (!(item instanceof Y.Item)) continue;
    origins.set(record, item.id.clock === clock ? item.origin : Y.createID(client, clock - 1));
  }
  return origins;
}

function anchoredIn(origin: Y.ID | null | undefined, record: EditRecord): boolean {
  return origin != null && record.deleted.some((range) => within(range, origin.client, origin.clock));
}

function overlaps(a: readonly IdRange[], b: readonly IdRange[]): boolean {
  return a.some((x) => b.some((y) => x.client === y.client && x.clock < y.clock + y.length && y.clock < x.clock + x.length));
}

/** Greedy by priority: an edit wins unless it collides with an edit that already won. Returns the losers. */
function decide(order: readonly EditRecord[], byRecord: Collisions['byRecord']): Set<EditRecord> {
  const winners = new Set<EditRecord>();
  const losers = new Set<EditRecord>();
  for (const record of order) {
    const beaten = [...(byRecord.get(record) ?? [])].some((other) => winners.has(other));
    (beaten ? losers : winners).add(record);
  }
  return losers;
}

/** A loser stops being offered once a later edit of the field was made by someone who had seen it and its winners. */
function settled(collisions: Collisions, loser: EditRecord, losers: ReadonlySet<EditRecord>): boolean {
  const winners = [...(collisions.byRecord.get(loser) ?? [])].filter((other) => !losers.has(other));
  return winners.every((winner) =>
    collisions.records.some((later) => later !== loser && later !== winner && sees(later, loser) && sees(later, winner)),
  );
}

/**
 * Walks the text's items, tombstones included (a deleted item keeps its place in the list), and shows a character
 * unless the edit that inserted it lost (or it was typed right after such a character), a winning edit deleted it, or
 * it was deleted outside any record. A character only losing edits deleted is shown again, from their records.
 */
function render(doc: Y.Doc, field: string, collisions: Collisions | null, losers: ReadonlySet<EditRecord>): { text: string; chars: ShownChar[] } {
  const chars: ShownChar[] = [];
  let text = '';
  const hidden = new Set<string>();
  for (let item = doc.getText(field)._start; item !== null; item = item.right) {
    const content = item.content;
    const string = content instanceof Y.ContentString ? content.str : null;
    if (string === null && !(content instanceof Y.ContentDeleted)) continue;
    const { client, clock } = item.id;
    if (!collisions) {
      if (item.deleted || string === null) continue;
      text += string;
      for (let i = 0; i < item.length; i++) chars.push({ client, clock: clock + i, live: true });
      continue;
    }
    let inserter: EditRecord | undefined;
    for (let i = 0; i < item.length; i++) {
      const id = key(client, clock + i);
      // Items merge across edits (a run typed right after its author's own text): look each character up.
      if (!inserter || !within(inserter.inserted, client, clock + i)) {
        inserter = collisions.records.find((record) => within(record.inserted, client, clock + i));
      }
      const origin = i > 0 ? key(client, clock + i - 1) : item.origin && key(item.origin.client, item.origin.clock);
      if ((inserter !== undefined && losers.has(inserter)) || (origin !== null && hidden.has(origin))) {
        hidden.add(id);
        continue;
      }
      const deleters = collisions.deleters.get(id);
      if (deleters ? deleters.some(({ record }) => !losers.has(record)) : item.deleted) continue;
      const char = string !== null ? string[i]! : deleters![0]!.char;
      text += char;
      chars.push({ client, clock: clock + i, live: !item.deleted });
    }
  }
  return { text, chars };
}
