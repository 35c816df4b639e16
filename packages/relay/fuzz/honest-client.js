// @ts-check
// The honest side of the live fuzzer: a person editing one document over either endpoint, applying what the relay
// sends the way every provider does (a Y.Doc with an update listener) and counting, instead of crashing on, every
// update that would not apply.
import { decodeMessage, encodeMessage, MessageType } from '@concord/core/protocol';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';

/** The transaction origin of every update an honest client applies from the relay. */
export const FROM_RELAY = Symbol('from relay');
const SYNC = 0;
const STEP1 = 0;
const STEP2 = 1;
const UPDATE = 2;

/** @param {number} step @param {Uint8Array} payload */
export function stockSyncFrame(step, payload) {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, SYNC);
  encoding.writeVarUint(encoder, step);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

export class HonestClient {
  /**
   * @param {string} url ws://host:port of the relay
   * @param {'stock' | 'concord'} endpoint
   * @param {string} doc
   * @param {number} clientID
   * @param {string} [token] with a relay started with --auth-secret
   */
  constructor(url, endpoint, doc, clientID, token) {
    this.url = url;
    this.token = token;
    this.endpoint = endpoint;
    this.docName = doc;
    this.doc = new Y.Doc();
    this.doc.clientID = clientID;
    /** Updates from the relay that threw when applied (there must be none). */
    this.receiveErrors = 0;
    /** What the relay refused of this person: Error frames (concord.v1) and closes it made (stock). There must be none. */
    /** @type {string[]} */
    this.refusals = [];
    this.synced = false;
    this.acks = 0;
    this.sent = 0;
    /** @type {WebSocket | null} */
    this.ws = null;
    this.doc.on('update', (/** @type {Uint8Array} */ update, /** @type {unknown} */ origin) => {
      if (origin === FROM_RELAY || this.ws?.readyState !== WebSocket.OPEN) return;
      this.sent++;
      this.ws.send(this.endpoint === 'stock' ? stockSyncFrame(UPDATE, update) : encodeMessage({ type: MessageType.Update, doc: this.docName, update }));
    });
  }

  /** @returns {Promise<void>} once synced with the relay */
  connect() {
    const query = this.token === undefined ? '' : `?token=${this.token}`;
    const address = this.endpoint === 'stock' ? `${this.url}/${encodeURIComponent(this.docName)}${query}` : `${this.url}/${query}`;
    const ws = new WebSocket(address, this.endpoint === 'concord' ? ['concord.v1'] : [], { perMessageDeflate: false });
    this.ws = ws;
    this.synced = false;
    ws.on('error', () => undefined);
    ws.on('close', (code, reason) => {
      if (this.ws === ws) this.refusals.push(`closed ${code} ${reason.toString()}`);
    });
    ws.on('message', (/** @type {Buffer} */ data) => this.#receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
    return new Promise((resolve, reject) => {
      // A ceiling for a condition, far above what a loaded machine needs, not a wait.
      const timer = setTimeout(() => reject(new Error(`${this.endpoint} honest client: not synced after 90 s`)), 90_000);
      ws.once('close', (code) => reject(new Error(`${this.endpoint} honest client closed (${code}) before it synced`)));
      ws.once('open', () => {
        if (this.endpoint === 'stock') ws.send(stockSyncFrame(STEP1, Y.encodeStateVector(this.doc)));
        else ws.send(encodeMessage({ type: MessageType.Subscribe, entries: [{ doc: this.docName, stateVector: Y.encodeStateVector(this.doc) }] }));
      });
      this.onSynced = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /**
   * One edit, one transaction: an insert into the text and a map entry; past 2,000 characters a deletion as well, so a
   * long run keeps a document of bounded size (and its whole-document frames with it).
   * @param {number} position @param {string} label
   */
  edit(position, label) {
    this.doc.transact(() => {
      const text = this.doc.getText('t');
      // The attackers' own edits that were admitted grow the document too: trim it back under 2,000 characters.
      if (text.length > 2_000) text.delete(0, text.length - 1_900);
      text.insert(position % (text.length + 1), label);
      this.doc.getMap('m').set(`k${position % 50}`, label);
    });
  }

  /** @param {Uint8Array} update */
  #apply(update) {
    try {
      Y.applyUpdate(this.doc, update, FROM_RELAY);
    } catch {
      this.receiveErrors++;
    }
  }

  /** @param {Uint8Array} data */
  #receive(data) {
    if (this.endpoint === 'stock') {
      const decoder = decoding.createDecoder(data);
      if (decoding.readVarUint(decoder) !== SYNC) return;
      const step = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (step === STEP1) this.ws?.send(stockSyncFrame(STEP2, Y.encodeStateAsUpdate(this.doc, payload)));
      else {
        this.#apply(payload);
        if (step === STEP2) this.#markSynced();
      }
      return;
    }
    const message = decodeMessage(data);
    if (message.type === MessageType.SyncReply) {
      for (const entry of message.entries) {
        this.#apply(entry.update);
        this.ws?.send(encodeMessage({ type: MessageType.Update, doc: this.docName, update: Y.encodeStateAsUpdate(this.doc, entry.stateVector) }));
      }
      this.#markSynced();
    } else if (message.type === MessageType.Update) this.#apply(message.update);
    else if (message.type === MessageType.Ack) this.acks++;
    else if (message.type === MessageType.Error) this.refusals.push(`${message.code} ${message.message}`);
  }

  #markSynced() {
    if (this.synced) return;
    this.synced = true;
    this.onSynced?.();
  }

  /** @param {number} clientID @returns {number} the contiguous clock this replica holds of that client */
  held(clientID) {
    return Y.getState(this.doc.store, clientID);
  }

  close() {
    this.ws?.terminate();
    this.ws = null;
  }
}

/**
 * A new device: connects, takes the catch-up, applies it as a provider would. Resolves with its Y.Doc and whether
 * applying threw.
 * @param {string} url @param {'stock' | 'concord'} endpoint @param {string} doc @param {string} [token]
 */
export async function freshReplica(url, endpoint, doc, token) {
  const client = new HonestClient(url, endpoint, doc, 1 + Math.floor(Math.random() * 1e9), token);
  await client.connect();
  client.close();
  return { doc: client.doc, receiveErrors: client.receiveErrors };
}
