// @ts-check
// A protocol-level client: one WebSocket, one Y.Doc, the y-protocols sync handshake and nothing else (no awareness,
// no reconnect logic, no provider). It stays cheaper than the servers it loads, so the figures are the servers'.
import { clearTimeout, setTimeout } from 'node:timers';
import { performance } from 'node:perf_hooks';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { MSG_SYNC, MSG_SYNC_REPLY, MSG_SYNC_STATUS, codecFor } from './codec.js';
import { deleteOwn, editMap, editText, remainingOf, seedText } from './shapes.js';

const STEP1 = 0;
const STEP2 = 1;
const UPDATE = 2;
const REMOTE = Symbol('remote');
const CONNECT_TIMEOUT_MS = 15_000;

/**
 * @typedef {object} ClientOptions
 * @property {string} base ws://host:port of the server
 * @property {import('../servers/targets.js').Protocol} protocol
 * @property {string} docName
 * @property {import('./delivery.js').DeliveryLog} [log] records send and receipt times of every edit
 * @property {boolean} [deferApply] keep remote updates aside until flush(), so applying them does not slow receipt
 * @property {import('./shapes.js').Shape} [shape] what `edit()` does (default `map`)
 */

export class LightClient {
  /** @param {ClientOptions} options */
  constructor(options) {
    this.options = options;
    this.codec = codecFor(options.protocol);
    this.doc = new Y.Doc();
    /** @type {WebSocket | null} */
    this.ws = null;
    this.synced = false;
    /** @type {Map<number, number> | null} what the doc held when the server first said it was synced */
    this.heldAtSync = null;
    this.acks = 0;
    /** highest clock of our own edits contained in a SyncStep2 from the server (see requestFullState) */
    this.ownClockInStep2 = 0;
    this.askedFullState = false;
    /** @type {Uint8Array[]} */
    this.pending = [];
    /** @type {Set<() => void>} */
    this.watchers = new Set();
    this.sentClock = 0;
    /** `delete` shape: the clock of the first seeded character, and how many of them `edit()` deleted so far */
    this.seedStart = 0;
    this.deleted = 0;
    /** @type {Error | null} */
    this.lastError = null;
    this.doc.on('update', (/** @type {Uint8Array} */ update, /** @type {unknown} */ origin) => {
      if (origin === REMOTE) return;
      const clock = Y.getState(this.doc.store, this.doc.clientID);
      // Edits made while offline are sent by the handshake on reconnect, not here.
      if (this.ws?.readyState === WebSocket.OPEN) {
        // A deletion carries no new clock: it is logged under the clock of the character it deleted.
        if (this.options.shape === 'delete' && clock === this.sentClock) {
          const deletedClock = this.seedStart + this.deleted - 1;
          this.options.log?.sent(this.doc.clientID, deletedClock, deletedClock + 1);
        } else this.options.log?.sent(this.doc.clientID, this.sentClock, clock);
        this.send(MSG_SYNC, UPDATE, update);
      }
      this.sentClock = clock;
    });
  }

  get clientID() {
    return this.doc.clientID;
  }

  /** @returns {Promise<void>} resolves once synced (the raw floor has no handshake: once open) */
  connect() {
    const { base, docName } = this.options;
    const ws = new WebSocket(this.codec.url(base, docName), { perMessageDeflate: false });
    this.ws = ws;
    this.synced = false;
    ws.on('message', (/** @type {Buffer} */ data) => this.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
    // A socket error after connecting (a killed server) must not become an uncaught 'error' event.
    ws.on('error', (err) => {
      this.lastError = err;
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`client for ${docName}: not synced after ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
      const fail = (/** @type {Error} */ err) => {
        clearTimeout(timer);
        this.watchers.delete(check);
        reject(err);
      };
      const check = () => {
        if (!this.synced) return;
        clearTimeout(timer);
        this.watchers.delete(check);
        resolve();
      };
      this.watchers.add(check);
      ws.once('error', fail);
      ws.once('close', () => fail(new Error(`client for ${docName}: closed before synced`)));
      ws.once('open', () => {
        for (const message of this.codec.hello(docName)) ws.send(message);
        if (this.codec.handshake) {
          this.send(MSG_SYNC, STEP1, Y.encodeStateVector(this.doc));
        } else {
          this.markSynced();
          check();
        }
      });
    });
  }

  /**
   * @param {number} type
   * @param {number} syncType
   * @param {Uint8Array} payload
   */
  send(type, syncType, payload) {
    const message = this.codec.frame(this.options.docName, (e) => {
      encoding.writeVarUint(e, type);
      encoding.writeVarUint(e, syncType);
      encoding.writeVarUint8Array(e, payload);
    });
    this.ws?.send(message);
  }

  /** @param {Uint8Array} data */
  receive(data) {
    const message = this.codec.read(this.options.docName, data);
    if (message === null) return;
    const { type, decoder } = message;
    if (type === MSG_SYNC || type === MSG_SYNC_REPLY) {
      const syncType = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (syncType === STEP1) {
        if (this.codec.handshake) this.send(MSG_SYNC, STEP2, Y.encodeStateAsUpdate(this.doc, payload));
      } else if (syncType === STEP2 || syncType === UPDATE) {
        this.applyRemote(payload);
        if (syncType === STEP2) {
          // Parsing a large catch-up costs the client milliseconds: only when someone asked (requestFullState).
          if (this.askedFullState) this.ownClockInStep2 = Math.max(this.ownClockInStep2, Y.parseUpdateMeta(payload).to.get(this.clientID) ?? 0);
          if (!this.synced) this.markSynced();
        }
      }
    } else if (type === MSG_SYNC_STATUS) {
      this.acks++;
    }
    for (const watcher of this.watchers) watcher();
  }

  markSynced() {
    this.synced = true;
    this.heldAtSync = Y.decodeStateVector(Y.encodeStateVector(this.doc));
  }

  /** @param {Uint8Array} update */
  applyRemote(update) {
    this.options.log?.received(this, update);
    if (this.options.deferApply) this.pending.push(update);
    else Y.applyUpdate(this.doc, update, REMOTE);
  }

  /** Apply what deferApply kept aside. */
  flush() {
    const updates = this.pending;
    this.pending = [];
    this.doc.transact(() => {
      for (const update of updates) Y.applyUpdate(this.doc, update, REMOTE);
    }, REMOTE);
  }

  /**
   * @param {number} count edits of the client's shape, each one transaction and one message; `map` and `text` advance
   * our clock by exactly 1, `delete` deletes the next seeded character
   */
  edit(count = 1) {
    for (let i = 0; i < count; i++) {
      if (this.options.shape === 'text') editText(this.doc);
      else if (this.options.shape === 'delete') deleteOwn(this.doc, this.seedStart + this.deleted++);
      else editMap(this.doc);
    }
  }

  /**
   * `delete` shape: types the `count` characters later edits delete (one message). Call once, before any edit.
   * @param {number} count
   */
  seed(count) {
    this.seedStart = seedText(this.doc, count);
    this.deleted = 0;
  }

  /**
   * How many of `clientID`'s edits this doc holds: for `delete`, how many of its seeded characters it holds deleted.
   * @param {number} clientID
   * @param {number} seeded how many characters that client seeded (`delete` only)
   */
  holdsEdits(clientID, seeded = 0) {
    return this.options.shape === 'delete' ? seeded - remainingOf(this.doc, clientID) : this.held(clientID);
  }

  /** @param {number} clientID @returns {number} how many edits of that client this doc holds (contiguously) */
  held(clientID) {
    return Y.getState(this.doc.store, clientID);
  }

  /** Ask for the whole document: the answer shows whether the server stored our edits. */
  requestFullState() {
    this.askedFullState = true;
    this.send(MSG_SYNC, STEP1, new Uint8Array([0]));
  }

  /**
   * Resolve with the time the condition first held, checked after every message from the server.
   * @param {() => boolean} condition
   * @param {number} timeoutMs
   * @param {string} what for the error message
   * @returns {Promise<number>}
   */
  until(condition, timeoutMs, what) {
    if (condition()) return Promise.resolve(performance.now());
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.watchers.delete(check);
        resolve(performance.now());
      };
      const timer = setTimeout(() => {
        this.watchers.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.watchers.add(check);
    });
  }

  /** @returns {Promise<void>} resolves once the socket is closed (forcibly after 2 s) */
  close() {
    const ws = this.ws;
    this.ws = null;
    if (ws === null || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 2_000);
      ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      ws.close();
    });
  }

  /** Drop the connection without a closing handshake, as a lost network would. */
  terminate() {
    this.ws?.terminate();
    this.ws = null;
  }
}
