import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { waitFor } from '../../test/support/wait.js';
import { wireSocket } from './ws-socket.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server whose first connection is adapted with the network stream the upgrade handed over, and a client of it. */
async function connected() {
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer();
  servers.push(server);
  /** Bytes the server wrote to the network after the handshake. */
  const written: Uint8Array[] = [];
  const wire = new Promise<ReturnType<typeof wireSocket>>((resolve) => {
    server.on('upgrade', (request, socket: Duplex, head) => {
      wss.handleUpgrade(request, socket, head, (ws) => {
        const write = socket.write.bind(socket) as (chunk: Uint8Array) => boolean;
        socket.write = ((chunk: Uint8Array, ...rest: unknown[]) => {
          written.push(chunk);
          return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
        }) as typeof socket.write;
        resolve(wireSocket(ws, { maxBufferedBytes: Number.POSITIVE_INFINITY }, socket));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const received: Buffer[] = [];
  client.on('message', (data: Buffer, isBinary) => {
    expect(isBinary).toBe(true);
    received.push(data);
  });
  await new Promise((resolve) => client.once('open', resolve));
  return { wire: await wire, client, received, written };
}

const bytes = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);

describe('the WebSocket adapter', () => {
  it('encodes a shared frame as the binary WebSocket frame a client reads, for every length encoding', async () => {
    const { wire, client, received } = await connected();
    // 7-bit, 16-bit and 64-bit lengths, and the edges between them.
    const lengths = [0, 1, 125, 126, 65_535, 65_536, 70_000];
    for (const [i, length] of lengths.entries()) wire.sendShared!(bytes(length, i));
    await waitFor(() => received.length === lengths.length, 'every frame read');
    expect(received.map((message) => new Uint8Array(message))).toEqual(lengths.map((length, i) => bytes(length, i)));
    client.close();
  });

  it('delivers shared frames, lists of them and ordinary frames to the client in the order they were sent', async () => {
    const { wire, client, received } = await connected();
    const shared = bytes(200, 1);
    wire.send(bytes(3, 2));
    wire.sendShared!(shared);
    wire.sendAll!([bytes(70_000, 3), shared, bytes(10, 4)]);
    wire.send(bytes(5, 5));
    await waitFor(() => received.length === 6, 'six messages');
    expect(received.map((message) => new Uint8Array(message))).toEqual([bytes(3, 2), shared, bytes(70_000, 3), shared, bytes(10, 4), bytes(5, 5)]);
    client.close();
  });

  it('writes a list of shared frames in one write, the same bytes to every socket it goes to', async () => {
    const first = await connected();
    const second = await connected();
    const frames = [bytes(10, 1), bytes(300, 2), bytes(70_000, 3)];
    const before = [first.written.length, second.written.length];
    first.wire.sendAll!(frames);
    second.wire.sendAll!(frames);
    expect(first.written.slice(before[0])).toHaveLength(1);
    expect(second.written.slice(before[1])).toHaveLength(1);
    expect(second.written.at(-1)).toBe(first.written.at(-1));
    for (const { received } of [first, second]) await waitFor(() => received.length === 3, 'the list read');
    for (const { received, client } of [first, second]) {
      expect(received.map((message) => new Uint8Array(message))).toEqual(frames);
      client.close();
    }
  });

  it('drops shared frames once the socket is closing, as it drops ordinary ones', async () => {
    const { wire, client, received, written } = await connected();
    const closed = new Promise((resolve) => client.once('close', resolve));
    wire.close(4000, 'test');
    const afterClose = written.length;
    wire.sendShared!(bytes(4, 1));
    wire.sendAll!([bytes(4, 2)]);
    expect(written).toHaveLength(afterClose);
    await closed;
    expect(received).toEqual([]);
  });
});
