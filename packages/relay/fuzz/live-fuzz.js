// @ts-check
// Over 300 lines: one seeded scenario read top to bottom (start, frames, settle, kill -9, restart, compare); its parts share the run's state.
// The live relay fuzzer: the real relay process on 127.0.0.1 with authentication, hostile connections with a valid
// read-write token on both endpoints sending mutated copies of real frames, and two honest people editing the same
// document throughout. It checks that no honest edit is refused, lost or delayed past the end, that everyone ends with
// the same text, that no honest receiver ever gets an update that throws, and that fresh clients (and a relay restarted
// after kill -9) serve everything. Seeded: the same seed makes the same edits and mutations; which forwarded updates
// the attackers copy depends on delivery timing.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { encodeMessage, MessageType } from '@concord/core/protocol';
import { seededRandom } from '@concord/core/testing';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { createToken } from '../dist/auth/tokens.js';
import { encodeAwarenessUpdate } from '../dist/engine/awareness-states.js';
import { freshReplica, FROM_RELAY, HonestClient, stockSyncFrame } from './honest-client.js';

const RELAY_BIN = fileURLToPath(new URL('../bin/concord-relay.js', import.meta.url));
const DOC = 'fuzz/target';
const SECRET = 'live-fuzz-secret-0123456789';
/** @param {string} sub */
const tokenFor = (sub) => createToken({ secret: SECRET, lists: ['fuzz'], mode: 'rw', ttlSeconds: 3_600, sub });
const READY = /listening on (ws:\/\/[^\s/]+)/;
/**
 * Ceilings for conditions awaited (a relay listening, delivery settled), not waits: a machine running several copies of
 * this at once took up to 30 s to start a relay. Reaching one fails the run with what was seen.
 */
const START_CEILING_MS = 90_000;
const SETTLE_CEILING_MS = 90_000;


/**
 * @param {string[]} args
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, url: string, exited: Promise<unknown> }>}
 */
async function startRelay(args) {
  const child = spawn(process.execPath, [RELAY_BIN, '--port', '0', '--host', '127.0.0.1', '--log-level', 'error', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  /** @type {string} */
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start: ${output}`)), START_CEILING_MS);
    const onData = (/** @type {Buffer} */ chunk) => {
      output += chunk.toString();
      const match = READY.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(/** @type {string} */ (match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (/** @type {Buffer} */ chunk) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`relay exited (${code}) before it was ready: ${output}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { child, url, exited };
}

/**
 * A hostile connection with a valid read-write token: reconnects when the relay closes it and records how it was closed.
 * @param {string} url @param {'stock' | 'concord'} endpoint @param {Map<string, number>} closes @param {string} token
 */
function attacker(url, endpoint, closes, token) {
  /** @type {WebSocket | null} */
  let ws = null;
  /** @type {Promise<WebSocket> | null} */
  let opening = null;
  const open = () =>
    (opening ??= new Promise((resolve) => {
      const address = endpoint === 'stock' ? `${url}/${encodeURIComponent(DOC)}?token=${token}` : `${url}/?token=${token}`;
      const socket = new WebSocket(address, endpoint === 'concord' ? ['concord.v1'] : [], { perMessageDeflate: false });
      socket.on('error', () => undefined);
      socket.on('message', () => undefined);
      socket.once('close', (code, reason) => {
        const key = `${endpoint} ${code}${reason.length > 0 ? ` ${reason.toString()}` : ''}`;
        closes.set(key, (closes.get(key) ?? 0) + 1);
        ws = null;
      });
      socket.once('open', () => {
        if (endpoint === 'concord') socket.send(encodeMessage({ type: MessageType.Subscribe, entries: [{ doc: DOC, stateVector: Uint8Array.of(0) }] }));
        ws = socket;
        opening = null;
        resolve(socket);
      });
    }));
  return {
    /** @param {Uint8Array} frame */
    async send(frame) {
      const socket = ws ?? (await open());
      if (socket.bufferedAmount > 1 << 20) await new Promise((resolve) => setTimeout(resolve, 1));
      socket.send(frame);
    },
    close() {
      ws?.terminate();
    },
  };
}

/**
 * The next hostile frame: a real update (the attacker's own edit, a copy of an honest edit, or a whole-document sync
 * answer), mutated, wrapped in a valid frame of the endpoint (or the frame itself mutated), or an awareness update.
 * @param {() => number} random @param {Y.Doc} evil @param {Uint8Array[]} honestUpdates @param {'stock' | 'concord'} endpoint
 */
function hostileFrame(random, evil, honestUpdates, endpoint) {
  const pick = (/** @type {number} */ n) => Math.floor(random() * n);
  if (random() < 0.04) {
    const big = random() < 0.1;
    const update = encodeAwarenessUpdate([{ clientID: pick(1e6), clock: pick(1e3), state: JSON.stringify({ name: big ? 'x'.repeat(70_000) : `evil${pick(100)}` }) }]);
    if (endpoint === 'concord') return encodeMessage({ type: MessageType.Awareness, doc: DOC, update });
    const frame = encoding.createEncoder();
    encoding.writeVarUint(frame, 1);
    encoding.writeVarUint8Array(frame, update);
    return encoding.toUint8Array(frame);
  }
  if (random() < 0.02) {
    // A zero-length deletion of someone's clocks: decodes, and throws at receivers that encode the delete set.
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, random() < 0.5 ? 111 : pick(1e6));
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, pick(50));
    encoding.writeVarUint(e, 0);
    const update = encoding.toUint8Array(e);
    return endpoint === 'concord' ? encodeMessage({ type: MessageType.Update, doc: DOC, update }) : stockSyncFrame(2, update);
  }
  const source = random();
  let update;
  if (source < 0.6) {
    const before = Y.encodeStateVector(evil);
    const text = evil.getText('t');
    if (random() < 0.3 && text.length > 2) text.delete(pick(text.length - 1), 1 + pick(2));
    else text.insert(pick(text.length + 1), 'evil');
    update = Y.encodeStateAsUpdate(evil, before);
  } else if (source < 0.95 && honestUpdates.length > 0) {
    // Copies of what the relay forwarded to the honest people, as anyone subscribed sees it: after the relay stored it
    // and bound its client ids to its writer.
    update = /** @type {Uint8Array} */ (honestUpdates[pick(honestUpdates.length)]);
  } else update = Y.encodeStateAsUpdate(evil);
  const mutated = update.slice();
  const kind = random();
  const flip = (/** @type {Uint8Array} */ bytes) => {
    const at = pick(bytes.length);
    bytes[at] = /** @type {number} */ (bytes[at]) ^ (1 << pick(8));
  };
  if (kind < 0.7) for (let flips = 1 + pick(3); flips > 0; flips--) flip(mutated);
  let payload = mutated;
  if (kind >= 0.7 && kind < 0.8) payload = mutated.slice(0, pick(mutated.length));
  else if (kind >= 0.8 && kind < 0.9) {
    const at = pick(mutated.length);
    payload = new Uint8Array(mutated.length + 1);
    payload.set(mutated.subarray(0, at));
    payload[at] = pick(256);
    payload.set(mutated.subarray(at), at + 1);
  }
  const frame = endpoint === 'concord' ? encodeMessage({ type: MessageType.Update, doc: DOC, update: payload }) : stockSyncFrame(random() < 0.5 ? 2 : 1, payload);
  if (random() < 0.08) flip(frame);
  return frame;
}

/** @param {string} url */
async function refusals(url) {
  const text = await (await fetch(`${url.replace('ws:', 'http:')}/metrics`)).text();
  /** @type {Record<string, number>} */
  const byReason = {};
  for (const match of text.matchAll(/^concord_relay_refused_total\{reason="([^"]+)"\} (\d+)/gm)) byReason[/** @type {string} */ (match[1])] = Number(match[2]);
  return byReason;
}

/**
 * @param {{ frames: number, seed: number, attackers?: number, editEvery?: number, log?: (line: string) => void }} options
 */
export async function runLiveFuzz({ frames, seed, attackers = 4, editEvery = 100, log = () => undefined }) {
  const random = seededRandom(seed);
  const data = await mkdtemp(join(tmpdir(), 'concord-fuzz-'));
  const auth = ['--auth-secret', SECRET];
  let relay = await startRelay(['--data', data, '--rate-limit', '0', ...auth]);
  try {
    const [annToken, bobToken, malloryToken, readerToken] = await Promise.all(['ann', 'bob', 'mallory', 'reader'].map(tokenFor));
    const ann = new HonestClient(relay.url, 'stock', DOC, 111, annToken);
    const bob = new HonestClient(relay.url, 'concord', DOC, 222, bobToken);
    await Promise.all([ann.connect(), bob.connect()]);
    // What anyone subscribed sees: only what the relay sent the two people. An edit a person made is seen by no one
    // else before the relay has stored it and bound its client id to its writer; an attacker holding it earlier could
    // send it first, take the person's client id and have every later edit of theirs refused.
    const relayView = new Y.Doc();
    /** @type {Uint8Array[]} */
    const honestUpdates = [];
    for (const person of [ann, bob]) {
      person.doc.on('update', (/** @type {Uint8Array} */ update, /** @type {unknown} */ origin) => {
        if (origin !== FROM_RELAY) return;
        honestUpdates.push(update);
        Y.applyUpdate(relayView, update);
      });
    }
    let evil = new Y.Doc();
    /** @type {Map<string, number>} */
    const closes = new Map();
    const hostile = Array.from({ length: attackers }, (_, i) => ({ endpoint: /** @type {'stock' | 'concord'} */ (i % 2 === 0 ? 'stock' : 'concord'), connection: attacker(relay.url, i % 2 === 0 ? 'stock' : 'concord', closes, /** @type {string} */ (malloryToken)) }));
    const started = performance.now();
    let edits = 0;
    for (let i = 0; i < frames; i++) {
      const { endpoint, connection } = /** @type {(typeof hostile)[number]} */ (hostile[i % hostile.length]);
      await connection.send(hostileFrame(random, evil, honestUpdates, endpoint));
      if (i % editEvery === 0) {
        const person = edits % 2 === 0 ? ann : bob;
        person.edit(Math.floor(random() * 1000), `${person.endpoint[0]}${edits++} `);
        // The attacker's replica follows the document as the relay forwards it, so its edits reference real items.
        Y.applyUpdate(evil, Y.encodeStateAsUpdate(relayView, Y.encodeStateVector(evil)));
      }
      if (honestUpdates.length > 200) honestUpdates.splice(0, 100);
      // A new attacker replica now and then: new client ids, and whole-document frames of a bounded size.
      if (i % 2_000 === 0) {
        evil = new Y.Doc();
        Y.applyUpdate(evil, Y.encodeStateAsUpdate(relayView));
      }
      if (i % 256 === 255) await new Promise((resolve) => setImmediate(resolve));
      if (i % 100_000 === 99_999) log(`fuzz: ${i + 1}/${frames} frames, ${Math.round(((i + 1) * 1000) / (performance.now() - started))} frames/s`);
    }
    const seconds = (performance.now() - started) / 1000;
    for (const { connection } of hostile) connection.close();
    // Delivery is over once both people and a new reader of the relay hold the same document: the same structs and the
    // same deletions (a deletion changes no state vector, so equal state vectors alone can still render different text).
    // Waited for as a condition, under a ceiling far above what a loaded machine needs: a run that reaches it reports
    // that it did not settle instead of comparing a document still being delivered.
    const settleStarted = performance.now();
    let settled = false;
    /** @type {Y.Doc} */
    let reader;
    do {
      reader = (await freshReplica(relay.url, 'concord', DOC, readerToken)).doc;
      settled = sameDocument(ann.doc, bob.doc) && sameDocument(ann.doc, reader);
      if (!settled) await new Promise((resolve) => setTimeout(resolve, 25));
    } while (!settled && performance.now() - settleStarted < SETTLE_CEILING_MS);
    const settleSeconds = (performance.now() - settleStarted) / 1000;
    const lostLive = lost(ann, bob);
    const refused = await refusals(relay.url);
    const fresh = [await freshReplica(relay.url, 'stock', DOC, readerToken), await freshReplica(relay.url, 'concord', DOC, readerToken)];
    ann.close();
    bob.close();
    relay.child.kill('SIGKILL');
    await relay.exited;
    relay = await startRelay(['--data', data, ...auth]);
    const restarted = [await freshReplica(relay.url, 'stock', DOC, readerToken), await freshReplica(relay.url, 'concord', DOC, readerToken)];
    const missingIn = (/** @type {{ doc: Y.Doc }} */ replica) =>
      Math.max(0, ann.held(ann.doc.clientID) - Y.getState(replica.doc.store, ann.doc.clientID)) + Math.max(0, bob.held(bob.doc.clientID) - Y.getState(replica.doc.store, bob.doc.clientID));
    return {
      seed,
      frames,
      seconds,
      framesPerSecond: frames / seconds,
      honestEdits: edits,
      settled,
      settleSeconds,
      honestClocksLostLive: lostLive,
      honestRefusals: [...ann.refusals, ...bob.refusals],
      // Lengths, and whether the people and the new reader of the relay (holding the same clocks and deletions once
      // settled) show the same text: the same clocks with other content means the relay let one person's content differ.
      texts: {
        ann: textOf(ann.doc).length,
        bob: textOf(bob.doc).length,
        equal: textOf(ann.doc) === textOf(bob.doc),
        readerEqual: textOf(reader) === textOf(ann.doc),
      },
      receiverErrors: ann.receiveErrors + bob.receiveErrors,
      // Where the people and the reader differ, when they did not settle: what the next look at a failure starts from.
      divergence: settled ? null : { ann: replicaState(ann.doc, reader), bob: replicaState(bob.doc, reader) },
      // Settled (the same clocks and deletions) yet other text: where the texts first part.
      textsPart: textsPart([ann.doc, bob.doc, reader]),
      freshClocksMissing: fresh.map(missingIn),
      freshErrors: fresh.map((replica) => replica.receiveErrors),
      restartedClocksMissing: restarted.map(missingIn),
      restartedErrors: restarted.map((replica) => replica.receiveErrors),
      // Everything the people held once delivery settled (everyone's admitted edits and deletions, not only theirs).
      freshLacking: fresh.map((replica) => lacking(replica.doc, ann.doc)),
      restartedLacking: restarted.map((replica) => lacking(replica.doc, ann.doc)),
      refusedByReason: refused,
      attackerCloses: Object.fromEntries(closes),
    };
  } finally {
    relay.child.kill('SIGKILL');
    await relay.exited;
    await rm(data, { recursive: true, force: true });
  }
}

/** @param {Y.Doc} doc */
const textOf = (doc) => doc.getText('t').toString();

/** The same structs and the same deletions: documents that render the same. @param {Y.Doc} a @param {Y.Doc} b */
function sameDocument(a, b) {
  return Y.equalSnapshots(Y.snapshot(a), Y.snapshot(b));
}

/**
 * Clocks `reference` holds (of every client) and clocks it holds deleted that `replica` lacks.
 * @param {Y.Doc} replica @param {Y.Doc} reference
 */
function lacking(replica, reference) {
  let count = 0;
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(reference))) count += Math.max(0, clock - Y.getState(replica.store, client));
  const deleted = Y.createDeleteSetFromStructStore(replica.store);
  for (const [client, ranges] of Y.createDeleteSetFromStructStore(reference.store).clients) {
    for (const { clock, len } of ranges) for (let at = clock; at < clock + len; at++) if (!Y.isDeleted(deleted, Y.createID(client, at))) count++;
  }
  return count;
}

/**
 * How `doc` differs from `reference` (the new reader of the relay): the clocks each holds that the other lacks, the
 * deleted clocks each holds that the other lacks (both counted as in `lacking`), and what Yjs still keeps pending in
 * `doc` (structs waiting for a missing dependency, deletions of items it does not have yet).
 * @param {Y.Doc} doc @param {Y.Doc} reference
 */
function replicaState(doc, reference) {
  const pending = doc.store.pendingStructs;
  /** @param {Y.Doc} a @param {Y.Doc} b clocks of each client `a` holds past `b`'s */
  const ahead = (a, b) =>
    Object.fromEntries([...Y.decodeStateVector(Y.encodeStateVector(a))].flatMap(([client, clock]) => (clock > Y.getState(b.store, client) ? [[client, [Y.getState(b.store, client), clock]]] : [])));
  return {
    lacking: lacking(doc, reference),
    extra: lacking(reference, doc),
    // [from, to) per client id: which writers' clocks differ.
    lackingClocks: ahead(reference, doc),
    extraClocks: ahead(doc, reference),
    pendingStructsMissing: pending === null ? null : Object.fromEntries(pending.missing),
    pendingDeletions: doc.store.pendingDs !== null,
  };
}

/**
 * Null when the documents show the same text; otherwise the first index where one differs from the first, and 40
 * characters of each from 10 before it.
 * @param {Y.Doc[]} docs
 */
function textsPart(docs) {
  const texts = docs.map(textOf);
  const first = /** @type {string} */ (texts[0]);
  if (texts.every((text) => text === first)) return null;
  let at = 0;
  while (texts.every((text) => text[at] === first[at])) at++;
  return { at, around: texts.map((text) => text.slice(Math.max(0, at - 10), at + 30)) };
}

/** Clocks of each honest person the other one lacks. @param {HonestClient} a @param {HonestClient} b */
function lost(a, b) {
  return Math.max(0, a.held(a.doc.clientID) - b.held(a.doc.clientID)) + Math.max(0, b.held(b.doc.clientID) - a.held(b.doc.clientID));
}
