import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * The messages relays exchange over Redis pub/sub. Binary, lib0-encoded, each starting with the cluster protocol
 * version so that a relay of another version can recognise (and ignore) what it cannot read during a rolling upgrade.
 *
 * Every message names the relay it comes from (`origin`): a relay ignores its own messages (Redis delivers a publish to
 * every subscriber, the publisher's own subscriber connection included), and never republishes what it got from Redis,
 * so no message can loop.
 */
export const CLUSTER_PROTOCOL_VERSION = 1;

export const ClusterMessageType = { Update: 0, Awareness: 1, SyncRequest: 2, SyncAnswer: 3 } as const;

/** A client's update, durable on `origin`; published on the document's channel. */
export interface PeerUpdate {
  readonly type: typeof ClusterMessageType.Update;
  readonly origin: string;
  readonly doc: string;
  readonly update: Uint8Array;
}

/** A y-protocols awareness update (never persisted); published on the document's channel. */
export interface PeerAwareness {
  readonly type: typeof ClusterMessageType.Awareness;
  readonly origin: string;
  readonly doc: string;
  readonly update: Uint8Array;
}

/** "Send me what I lack of `doc`": published on the cluster-wide request channel; every other relay answers. */
export interface SyncRequest {
  readonly type: typeof ClusterMessageType.SyncRequest;
  readonly origin: string;
  readonly requestId: number;
  readonly doc: string;
  readonly stateVector: Uint8Array;
}

/**
 * The answer, published on the requester's reply channel: `update` = what the answerer durably holds that the request's
 * state vector lacks (possibly the empty update), `stateVector` = the answerer's, `loaded` = whether the answerer has the
 * document loaded (then the requester pushes to the document's channel what the answerer lacks).
 */
export interface SyncAnswer {
  readonly type: typeof ClusterMessageType.SyncAnswer;
  readonly origin: string;
  readonly requestId: number;
  readonly doc: string;
  readonly loaded: boolean;
  readonly update: Uint8Array;
  readonly stateVector: Uint8Array;
}

export type ClusterMessage = PeerUpdate | PeerAwareness | SyncRequest | SyncAnswer;

export function encodeClusterMessage(message: ClusterMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, CLUSTER_PROTOCOL_VERSION);
  encoding.writeVarUint(encoder, message.type);
  encoding.writeVarString(encoder, message.origin);
  switch (message.type) {
    case ClusterMessageType.Update:
    case ClusterMessageType.Awareness:
      encoding.writeVarString(encoder, message.doc);
      encoding.writeVarUint8Array(encoder, message.update);
      break;
    case ClusterMessageType.SyncRequest:
      encoding.writeVarUint(encoder, message.requestId);
      encoding.writeVarString(encoder, message.doc);
      encoding.writeVarUint8Array(encoder, message.stateVector);
      break;
    case ClusterMessageType.SyncAnswer:
      encoding.writeVarUint(encoder, message.requestId);
      encoding.writeVarString(encoder, message.doc);
      encoding.writeVarUint(encoder, message.loaded ? 1 : 0);
      encoding.writeVarUint8Array(encoder, message.update);
      encoding.writeVarUint8Array(encoder, message.stateVector);
      break;
  }
  return encoding.toUint8Array(encoder);
}

/** Decodes a message, or returns null for another protocol version, an unknown type or malformed bytes. */
export function decodeClusterMessage(bytes: Uint8Array): ClusterMessage | null {
  try {
    const decoder = decoding.createDecoder(bytes);
    if (decoding.readVarUint(decoder) !== CLUSTER_PROTOCOL_VERSION) return null;
    const type = decoding.readVarUint(decoder);
    const origin = decoding.readVarString(decoder);
    let message: ClusterMessage;
    switch (type) {
      case ClusterMessageType.Update:
      case ClusterMessageType.Awareness: {
        const doc = decoding.readVarString(decoder);
        message = { type, origin, doc, update: decoding.readVarUint8Array(decoder).slice() };
        break;
      }
      case ClusterMessageType.SyncRequest: {
        const requestId = decoding.readVarUint(decoder);
        const doc = decoding.readVarString(decoder);
        message = { type, origin, requestId, doc, stateVector: decoding.readVarUint8Array(decoder).slice() };
        break;
      }
      case ClusterMessageType.SyncAnswer: {
        const requestId = decoding.readVarUint(decoder);
        const doc = decoding.readVarString(decoder);
        const loaded = decoding.readVarUint(decoder) === 1;
        const update = decoding.readVarUint8Array(decoder).slice();
        message = { type, origin, requestId, doc, loaded, update, stateVector: decoding.readVarUint8Array(decoder).slice() };
        break;
      }
      default:
        return null;
    }
    return decoder.pos === bytes.byteLength ? message : null;
  } catch {
    return null;
  }
}
