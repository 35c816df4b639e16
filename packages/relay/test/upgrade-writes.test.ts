import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { MemoryStorage, startRelay, type Relay } from '../src/index.js';
import { destroyAllStockClients, stockClient, synced } from './support/stock-client.js';
import { waitFor } from './support/wait.js';

const relays: Relay[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  destroyAllStockClients();
  for (const relay of relays.splice(0)) await relay.close();
});

describe('connecting to a loaded document (in process)', () => {
  it("sends the upgrade's response and the relay's sync step 1 in one write to the network", async () => {
    const relay = await startRelay({ port: 0, storage: new MemoryStorage() });
    relays.push(relay);
    await synced(stockClient(relay.url, 'doc'));

    // Writes handed to the operating system (a corked stream hands several chunks to one _writev), per local port.
    const writes = new Map<number, number>();
    const count = (socket: net.Socket): void => {
      if (socket.remotePort !== undefined) writes.set(socket.remotePort, (writes.get(socket.remotePort) ?? 0) + 1);
    };
    /* eslint-disable @typescript-eslint/unbound-method -- the originals are called with the socket as `this` */
    const write = net.Socket.prototype._write;
    const writev = net.Socket.prototype._writev!;
    /* eslint-enable @typescript-eslint/unbound-method */
    vi.spyOn(net.Socket.prototype, '_write').mockImplementation(function (this: net.Socket, ...args: Parameters<typeof write>) {
      count(this);
      return write.apply(this, args);
    });
    vi.spyOn(net.Socket.prototype, '_writev').mockImplementation(function (this: net.Socket, ...args: Parameters<typeof writev>) {
      count(this);
      return writev.apply(this, args);
    });

    const client = new WebSocket(`${relay.url}/doc`);
    const frames: Buffer[] = [];
    client.on('message', (data: Buffer) => frames.push(data));
    await waitFor(() => frames.length >= 1, "the relay's sync step 1");
    const port = (client as unknown as { _socket: net.Socket })._socket.localPort!;
    client.close();
    expect([...frames[0]!.subarray(0, 2)]).toEqual([0, 0]); // sync step 1
    expect(writes.get(port)).toBe(1);
  });
});
