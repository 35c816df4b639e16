import {
  MessageType,
  type HistoryReplyMessage,
  type HistoryRequestMessage,
  type RestoreReplyMessage,
  type RestoreRequestMessage,
  type RestoreResultMessage,
} from '@concord/core/protocol';
import type { RoomMember } from '../engine/member.js';
import type { SessionContext } from './wire-socket.js';

/**
 * Answers a HistoryRequest (reading the document must be allowed) or a RestoreRequest (writing it must be allowed).
 * Failures are answered, never thrown: one request never costs the connection. With `requester` (a `concord.v2`
 * connection), a restore is answered with RestoreResult carrying its updates, which are not forwarded to the requester.
 */
export async function serveHistory(
  context: SessionContext,
  request: HistoryRequestMessage | RestoreRequestMessage,
  requester?: RoomMember,
): Promise<HistoryReplyMessage | RestoreReplyMessage | RestoreResultMessage> {
  const { id, doc } = request;
  const mode = context.access.mode(doc);
  if (request.type === MessageType.HistoryRequest) {
    if (mode === 'none' || !context.history) return { type: MessageType.HistoryReply, id, doc, versions: [] };
    try {
      return { type: MessageType.HistoryReply, id, doc, versions: await context.history.versions(doc) };
    } catch (error) {
      context.logger.warn({ err: error, doc }, 'history request failed');
      return { type: MessageType.HistoryReply, id, doc, versions: [] };
    }
  }
  const refuse = (error: string): RestoreReplyMessage => ({ type: MessageType.RestoreReply, id, doc, changed: 0, error });
  if (mode !== 'rw') return refuse(mode === 'none' ? 'the token does not cover this document' : 'the token is read-only');
  if (!context.history) return refuse('this relay keeps no history');
  try {
    const { changed, error, updates } = await context.history.restore(doc, request.time, request.only, context.access.author, requester);
    if (requester !== undefined) return { type: MessageType.RestoreResult, id, doc, changed, error, updates };
    return { type: MessageType.RestoreReply, id, doc, changed, error };
  } catch (error) {
    context.logger.warn({ err: error, doc }, 'restore failed');
    return refuse(error instanceof Error ? error.message : String(error));
  }
}
