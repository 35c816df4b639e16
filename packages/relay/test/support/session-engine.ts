import { pino } from 'pino';
import { afterEach } from 'vitest';
import { ALLOW_ALL } from '../../src/auth/access.js';
import { RelayEngine } from '../../src/engine/relay-engine.js';
import type { SessionContext } from '../../src/sessions/wire-socket.js';
import { ControlledStorage } from './controlled-storage.js';

const engines: RelayEngine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

/** An engine over `storage` (closed after each test) and the session context sessions under test share. */
export function sessionEngine(storage = new ControlledStorage()): { engine: RelayEngine; storage: ControlledStorage; context: SessionContext } {
  const engine = new RelayEngine({ storage, idleUnloadMs: 60_000 });
  engines.push(engine);
  return { engine, storage, context: { engine, logger: pino({ level: 'silent' }), access: ALLOW_ALL } };
}
