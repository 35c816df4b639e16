import { WebSocket } from 'ws';
import type { WebSocketConstructor } from '../../src/transport/options.js';

export interface FrameCounter {
  /** Connection attempts (WebSocket constructions), as timestamps. */
  readonly attempts: number[];
  /** Frames by message type (the first byte: every concord.v1 tag is a one-byte varint). */
  readonly sent: Map<number, number>;
  readonly received: Map<number, number>;
}

export function newCounter(): FrameCounter {
  return { attempts: [], sent: new Map(), received: new Map() };
}

const bump = (map: Map<number, number>, key: number): void => void map.set(key, (map.get(key) ?? 0) + 1);

/** `ws`'s WebSocket, recording attempts and frames into `counter`. */
export function countingWebSocket(counter: FrameCounter): WebSocketConstructor {
  return class CountingWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      counter.attempts.push(Date.now());
      this.addEventListener('message', (event) => {
        const data = event.data;
        if (data instanceof ArrayBuffer && data.byteLength > 0) bump(counter.received, new Uint8Array(data)[0]!);
      });
    }

    override send(data: Uint8Array): void {
      if (data.byteLength > 0) bump(counter.sent, data[0]!);
      super.send(data);
    }
  };
}
