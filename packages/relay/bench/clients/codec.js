// @ts-check
// Framing of the two wire dialects the relays speak. Both carry the y-protocols sync messages; Hocuspocus 4 puts the
// document name in front of every message (one socket can carry many documents) and ignores everything for a
// document until it has seen an auth message for it.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export const MSG_SYNC = 0;
export const MSG_AWARENESS = 1;
export const MSG_AUTH = 2;
/** Hocuspocus: a sync message the client must not answer with another SyncStep1. */
export const MSG_SYNC_REPLY = 4;
/** Hocuspocus: the server's acknowledgement that it applied an update. */
export const MSG_SYNC_STATUS = 8;

/**
 * @typedef {object} Codec
 * @property {(base: string, docName: string) => string} url
 * @property {boolean} handshake whether the server takes part in the sync handshake (the raw floor does not)
 * @property {(docName: string) => Uint8Array[]} hello messages to send right after the socket opens, before SyncStep1
 * @property {(docName: string, write: (e: encoding.Encoder) => void) => Uint8Array} frame
 * @property {(docName: string, data: Uint8Array) => { type: number, decoder: decoding.Decoder } | null} read
 *   null when the message is addressed to another document
 */

/** @type {Codec} */
const yws = {
  url: (base, docName) => `${base}/${encodeURIComponent(docName)}`,
  handshake: true,
  hello: () => [],
  frame: (_docName, write) => {
    const e = encoding.createEncoder();
    write(e);
    return encoding.toUint8Array(e);
  },
  read: (_docName, data) => {
    const decoder = decoding.createDecoder(data);
    return { type: decoding.readVarUint(decoder), decoder };
  },
};

/** @type {Codec} */
const hocuspocus = {
  url: (base) => base,
  handshake: true,
  hello: (docName) => [
    hocuspocus.frame(docName, (e) => {
      encoding.writeVarUint(e, MSG_AUTH);
      encoding.writeVarUint(e, 0); // AuthMessageType.Token
      encoding.writeVarString(e, 'bench');
    }),
  ],
  frame: (docName, write) => {
    const e = encoding.createEncoder();
    encoding.writeVarString(e, docName);
    write(e);
    return encoding.toUint8Array(e);
  },
  read: (docName, data) => {
    const decoder = decoding.createDecoder(data);
    if (decoding.readVarString(decoder) !== docName) return null;
    return { type: decoding.readVarUint(decoder), decoder };
  },
};

/** @type {Codec} */
const raw = { ...yws, handshake: false };

/** @param {import('../servers/targets.js').Protocol} protocol */
export function codecFor(protocol) {
  return { yws, hocuspocus, raw }[protocol];
}
