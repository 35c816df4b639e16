import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

// The terminal demo (`pnpm demo:offline`), run twice as a user would: the first run stops with Bob offline and edits
// waiting; the second restarts from disk. It runs the built packages.

const DEMO = fileURLToPath(new URL('../examples/offline-demo.js', import.meta.url));
const BUILT = [fileURLToPath(new URL('../dist/node/index.js', import.meta.url)), fileURLToPath(new URL('../../relay/dist/cli.js', import.meta.url))];
const run = promisify(execFile);

let dir = '';
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Bob's "N waiting" under each heading the demo printed. */
const bobWaiting = (output: string): Map<string, number> =>
  new Map([...output.matchAll(/== (.+) ==\n.*│ Bob — (\w+), (\d+) waiting/g)].map((match) => [match[1]!, Number(match[3])]));

describe('the terminal demo', () => {
  it('keeps Bob offline edits and pending count when stopped and restarted, then converges', async () => {
    for (const file of BUILT) if (!existsSync(file)) throw new Error(`${file} is missing: run \`npx -y pnpm@10.34.9 build\` first`);
    dir = await mkdtemp(join(tmpdir(), 'concord-demo-test-'));
    const first = await run(process.execPath, [DEMO, '--dir', dir], { timeout: 30_000 });
    const second = await run(process.execPath, [DEMO, '--dir', dir], { timeout: 30_000 });

    const before = bobWaiting(first.stdout);
    const pending = [...before.values()].at(-1);
    expect(pending).toBeGreaterThan(0);
    const after = bobWaiting(second.stdout);
    expect([...after.values()]).toEqual([pending, 0]);
    // Bob's list as he left it (offline), then both converged on the merged title.
    const bobColumn = (output: string, heading: string) =>
      output.split(`== ${heading}`)[1]!.split('\n\n')[0]!.split('\n').slice(2).map((line) => line.split('│')[1]?.trim());
    expect(bobColumn(second.stdout, 'Restarted')).toEqual(bobColumn(first.stdout, 'Bob offline'));
    expect(second.stdout.split('== Bob back online')[1]).toMatch(/\[ \] Buy oat milk and eggs +│ \[ \] Buy oat milk and eggs/);
    expect(existsSync(dir)).toBe(false);
  });
});
