import { decodeMessage } from '../protocol/codec.js';
import { MessageType, type Message } from '../protocol/messages.js';
import type { DocSessions, SessionHost } from './doc-sessions.js';
import { TransportError, TransportErrorCode } from './errors.js';

/** Decodes one frame from the relay and routes it. A bad frame is reported and skipped; it never ends the connection. */
export function handleFrame(host: SessionHost, sessions: DocSessions, data: unknown): void {
  const bytes = toBytes(data);
  let message: Message;
  try {
    if (bytes === null) throw new Error('not a binary frame');
    message = decodeMessage(bytes);
  } catch (cause) {
    host.reportError(new TransportError(TransportErrorCode.MalformedFrame, 'skipped a malformed frame from the relay', { cause }));
    return;
  }
  switch (message.type) {
    case MessageType.SyncReply:
      for (const entry of message.entries) sessions.applySyncReply(entry);
      host.updateStatus();
      break;
    case MessageType.Update:
      sessions.applyRemoteUpdate(message.doc, message.update);
      break;
    case MessageType.UpdateBatch:
      // All in this one task: listeners that coalesce per microtask (a list's `change`) see the batch as one change.
      for (const entry of message.entries) sessions.applyRemoteUpdate(entry.doc, entry.update);
      break;
    case MessageType.Ack:
      sessions.applyAck(message.doc, message.clocks);
      break;
    case MessageType.Awareness:
      sessions.applyAwareness(message.doc, message.update);
      break;
    case MessageType.Error:
      sessions.applyError(message);
      break;
    case MessageType.Bindings:
      host.emitBindings(message.doc, message.bindings);
      break;
    case MessageType.Pong:
      // Any frame is a sign of life (recorded by the caller); a Pong carries nothing else.
      break;
    case MessageType.HistoryReply:
    case MessageType.RestoreReply:
    case MessageType.RestoreResult:
      host.answered?.(message);
      break;
    default:
      // Client-to-relay messages have no meaning here.
      break;
  }
}

/** The bytes of a binary frame as a WebSocket delivers it (an ArrayBuffer or a view), or null for anything else. */
export function toBytes(data: unknown): Uint8Array | null {
  // Checked by tag, not `instanceof`: a socket from another realm (an iframe, a test DOM such as jsdom, Electron's
  // contexts) hands over its own realm's ArrayBuffer, which `instanceof ArrayBuffer` here rejects.
  if (Object.prototype.toString.call(data) === '[object ArrayBuffer]') return new Uint8Array(data as ArrayBuffer);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
}
