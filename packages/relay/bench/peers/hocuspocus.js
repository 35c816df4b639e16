// @ts-check
// Hocuspocus 4 with its defaults (2 s store debounce, 10 s at most, unload as soon as the last client leaves), in
// memory or, with `--data DIR`, with the SQLite extension writing to DIR/hocuspocus.sqlite.
import console from 'node:console';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Server } from '@hocuspocus/server';
import { SQLite } from '@hocuspocus/extension-sqlite';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, data: { type: 'string' } } });
const extensions = values.data === undefined ? [] : [new SQLite({ database: path.join(values.data, 'hocuspocus.sqlite') })];

const server = new Server({ port: 0, address: values.host, quiet: true, stopOnSignals: false, extensions });
await server.listen();
console.log(`listening on ws://${values.host}:${server.address.port}`);
