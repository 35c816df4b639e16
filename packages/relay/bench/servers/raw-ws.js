// @ts-check
// The floor: a `ws` server that forwards every message to the other sockets on the same path and knows nothing of
// Yjs. Whatever a real relay spends above this is the price of understanding, storing and validating updates.
import console from 'node:console';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, data: { type: 'string' } } });

/** @type {Map<string, Set<import('ws').WebSocket>>} */
const rooms = new Map();
const server = http.createServer((_req, res) => {
  res.writeHead(200);
  res.end('ok');
});
const wss = new WebSocketServer({ server });
wss.on('connection', (ws, req) => {
  const name = req.url ?? '/';
  let room = rooms.get(name);
  if (room === undefined) rooms.set(name, (room = new Set()));
  const peers = room;
  peers.add(ws);
  ws.on('message', (data, isBinary) => {
    for (const peer of peers) if (peer !== ws && peer.readyState === peer.OPEN) peer.send(data, { binary: isBinary });
  });
  ws.on('close', () => {
    peers.delete(ws);
    if (peers.size === 0) rooms.delete(name);
  });
});
server.listen(0, values.host, () => {
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  console.log(`listening on ws://${values.host}:${address.port}`);
});
