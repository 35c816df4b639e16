import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { waitFor } from './wait.js';

/** A stock y-websocket provider in Node (ws as the WebSocket, BroadcastChannel off so only the relay connects them). */
export interface StockClient {
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  /** What the document held at the moment the provider first reported synced. */
  readonly atFirstSync: Promise<Uint8Array>;
  destroy(): void;
}

const clients = new Set<StockClient>();

export function stockClient(url: string, room: string, params: Record<string, string> = {}): StockClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(url, room, doc, { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, disableBc: true, params });
  const atFirstSync = new Promise<Uint8Array>((resolve) => {
    const onSync = (synced: boolean): void => {
      if (!synced) return;
      provider.off('sync', onSync);
      resolve(Y.encodeStateAsUpdate(doc));
    };
    provider.on('sync', onSync);
  });
  const client: StockClient = {
    doc,
    provider,
    atFirstSync,
    destroy() {
      clients.delete(client);
      provider.awareness.destroy();
      provider.destroy();
      doc.destroy();
    },
  };
  clients.add(client);
  return client;
}

export async function synced(client: StockClient, timeoutMs = 10_000): Promise<void> {
  await waitFor(() => client.provider.synced, 'stock client synced', timeoutMs);
}

export function destroyAllStockClients(): void {
  for (const client of [...clients]) client.destroy();
}
