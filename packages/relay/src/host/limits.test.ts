import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { TokenBucket } from './limits.js';
import { wireSocket } from './ws-socket.js';

describe('TokenBucket', () => {
  it('allows a burst, then the refill rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 5, () => now);
    expect(Array.from({ length: 6 }, () => bucket.take())).toEqual([true, true, true, true, true, false]);
    now += 100; // 1 token
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 10_000; // capped at the burst
    expect(Array.from({ length: 6 }, () => bucket.take()).filter(Boolean)).toHaveLength(5);
  });
});

class FakeWs extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  readonly sent: Uint8Array[] = [];
  closedWith: number | null = null;
  send(data: Uint8Array): void {
    this.sent.push(data);
    this.bufferedAmount += data.byteLength;
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = WebSocket.CLOSING;
  }
  terminate(): void {}
}

describe('wireSocket', () => {
  it('closes a slow consumer with 4503 instead of buffering past the bound (one large frame still goes out)', () => {
    const ws = new FakeWs();
    const closes: number[] = [];
    const wire = wireSocket(ws as unknown as WebSocket, { maxBufferedBytes: 1000, onClosed: (code) => closes.push(code) });
    wire.send(new Uint8Array(5000));
    expect(ws.sent).toHaveLength(1);
    wire.send(new Uint8Array(10));
    expect(ws.sent).toHaveLength(1);
    expect(ws.closedWith).toBe(4503);
    expect(closes).toEqual([4503]);
    wire.send(new Uint8Array(10));
    expect(ws.sent).toHaveLength(1);
  });
});
