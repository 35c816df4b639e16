import {
  MessageType,
  type ClientMessage,
  type HistoryReplyMessage,
  type RestoreReplyMessage,
  type RestoreResultMessage,
  type UpdateBatchEntry,
  type VersionEntry,
} from '../protocol/messages.js';
import { TransportError, TransportErrorCode } from './errors.js';
import type { RestoreOptions } from './transport.js';

type Reply = HistoryReplyMessage | RestoreReplyMessage | RestoreResultMessage;

/** How long a request waits for its reply (a restore of a large list runs for a while on the relay). */
export const REQUEST_TIMEOUT_MS = 60_000;

/**
 * Requests that expect one reply from the relay (history, restore), paired by id. Rejected with
 * `ERR_CONNECTION_CLOSED` when the request cannot be sent, when the connection closes before the reply, or after
 * `REQUEST_TIMEOUT_MS`: a request is never re-sent by itself (a restore must not run twice behind the caller's back).
 */
export class PendingRequests {
  #next = 1;
  /** Per restore request, what to do with its updates when the relay sends them in the answer. */
  readonly #onResult = new Map<number, (result: RestoreResultMessage) => void>();
  readonly #waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly send: (message: ClientMessage) => boolean,
    /** Applies updates the relay holds (a restore's, answered with them) with an origin. */
    private readonly apply: (entries: readonly UpdateBatchEntry[], origin: unknown) => void,
  ) {}

  history(doc: string): Promise<VersionEntry[]> {
    return this.#request((id) => ({ type: MessageType.HistoryRequest, id, doc })).then((reply) => (reply.type === MessageType.HistoryReply ? [...reply.versions] : []));
  }

  /**
   * Resolves with how many documents changed; rejects with the relay's reason when it refused. A `concord.v2` relay
   * answers with the restore's updates, applied here before resolving (see `RestoreOptions`).
   */
  restore(doc: string, time: number, only: string, options: RestoreOptions = {}): Promise<number> {
    const id = this.#next;
    this.#onResult.set(id, (result) => {
      const apply = () => this.apply(result.updates, options.origin);
      if (options.around) options.around(apply);
      else apply();
    });
    return this.#request((id) => ({ type: MessageType.RestoreRequest, id, doc, time, only }))
      .then((reply) => {
        if (reply.type !== MessageType.RestoreReply && reply.type !== MessageType.RestoreResult) return 0;
        if (reply.error !== '') throw new TransportError(TransportErrorCode.UpdateRefused, `restore refused: ${reply.error}`);
        return reply.changed;
      })
      .finally(() => this.#onResult.delete(id));
  }

  /** A reply from the relay. */
  answered(reply: Reply): void {
    const waiting = this.#waiting.get(reply.id);
    if (!waiting) return;
    this.#waiting.delete(reply.id);
    clearTimeout(waiting.timer);
    // In the task that received it: the restore's updates are applied together, before anything else arrives.
    if (reply.type === MessageType.RestoreResult && reply.updates.length > 0) this.#onResult.get(reply.id)?.(reply);
    waiting.resolve(reply);
  }

  /** The connection closed: no reply will come. */
  closed(): void {
    for (const [id, waiting] of this.#waiting) {
      this.#waiting.delete(id);
      clearTimeout(waiting.timer);
      waiting.reject(new TransportError(TransportErrorCode.ConnectionClosed, 'the connection closed before the relay answered'));
    }
  }

  #request(message: (id: number) => ClientMessage): Promise<Reply> {
    const id = this.#next++;
    return new Promise<Reply>((resolve, reject) => {
      if (!this.send(message(id))) {
        reject(new TransportError(TransportErrorCode.ConnectionClosed, 'not connected to a relay'));
        return;
      }
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new TransportError(TransportErrorCode.ConnectionClosed, `the relay did not answer within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.#waiting.set(id, { resolve, reject, timer });
    });
  }
}
