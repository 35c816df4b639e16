// @ts-check
// @y/websocket-server as people run it (its own bin does the same), but on a given host and port 0 and with the
// readiness line the harness waits for. `--data DIR` turns on its LevelDB persistence, which the package reads
// from YPERSISTENCE when its module loads, so the variable must be set before the import.
import process from 'node:process';
import console from 'node:console';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, data: { type: 'string' } } });
if (values.data !== undefined) process.env.YPERSISTENCE = values.data;
const { setupWSConnection } = await import('@y/websocket-server/utils');

const wss = new WebSocketServer({ noServer: true });
wss.on('connection', setupWSConnection);
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('okay');
});
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});
server.listen(0, values.host, () => {
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  console.log(`listening on ws://${values.host}:${address.port}`);
});
