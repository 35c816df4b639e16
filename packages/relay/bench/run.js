// @ts-check
// `pnpm bench` (full, for people) and `pnpm bench:smoke` (tiny sizes, one run, for CI so the harness cannot rot).
// Usage: node bench/run.js --help (the flags are listed in lib/main.js).
// The harness lives in lib/main.js, where the bench's tsconfig gives the linter its types.
import { spawn } from 'node:child_process';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/**
 * Every light client lives in this process, so its garbage collections land inside the phases it times. A young
 * generation of 64 MiB (16 by default) makes them rare: S3's fresh-client figures spread over 16-67 ms without it and
 * over 17-29 ms with it. The relays under test keep Node's defaults.
 */
const YOUNG_GENERATION = '--max-semi-space-size=64';

if (process.execArgv.some((arg) => arg.startsWith('--max-semi-space-size'))) {
  await import('./lib/main.js');
} else {
  const child = spawn(process.execPath, [...process.execArgv, YOUNG_GENERATION, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  // The harness kills its relays when interrupted; pass the signal on and wait for it to do so.
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 130)));
}
