import type { WireSocket } from '../../src/sessions/wire-socket.js';

/** A WireSocket that records frames and the close. */
export class FakeSocket implements WireSocket {
  readonly sent: Uint8Array[] = [];
  closed: { code: number; reason: string } | null = null;

  send(data: Uint8Array): void {
    if (this.closed === null) this.sent.push(data);
  }

  close(code: number, reason: string): void {
    this.closed ??= { code, reason };
  }
}
