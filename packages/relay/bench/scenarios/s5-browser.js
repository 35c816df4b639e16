// @ts-check
// S5 in Chromium: a device that has never seen a 1,000-task list opens it in the demo (Debian's Chromium, a fresh
// profile, the Concord relay on loopback serving the built demo), then opens it again after a browser restart. The
// browser half lives with the demo (packages/demo/bench/join-1000.js, which has playwright-core); this runs it and
// reads its JSON line. Median of 5 (1 in the smoke run, with 50 tasks).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DEMO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../demo');
const SCRIPT = path.join(DEMO, 'bench/join-1000.js');

/** @param {string[]} args @returns {Promise<Record<string, number>>} */
function runJoin(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (out += String(chunk)));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (err += String(chunk)));
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      /** @type {unknown} */
      const parsed = code === 0 && line.startsWith('{') ? JSON.parse(line) : null;
      if (parsed !== null) resolve(/** @type {Record<string, number>} */ (parsed));
      else reject(new Error(`join-1000.js exited with ${code}: ${err.slice(-2_000)}`));
    });
  });
}

/** @type {import('./types.js').Scenario} */
export const s5Browser = {
  id: 'S5-chromium',
  title: 'a new device opens a task list in Chromium (the demo), and reopens it after a browser restart',
  // The Concord client and relay only: the peers have no such client.
  appliesTo: (target) => !target.peer,
  async run(_target, smoke) {
    if (!existsSync(path.join(DEMO, 'dist/index.html'))) return { metrics: [], failures: ['S5-chromium: packages/demo/dist is missing (pnpm build)'] };
    const tasks = smoke ? 50 : 1_000;
    const m = await runJoin(['--tasks', String(tasks), '--runs', smoke ? '1' : '5']);
    /** @param {string} key @param {string} label @param {number | undefined} value */
    const metric = (key, label, value) => ({ key, label, unit: 'ms', value: value ?? null, digits: 0 });
    return {
      failures: [],
      metrics: [
        metric('s5c.freshTitles', `S5 Chromium: fresh device, navigation → every one of ${tasks} titles shown`, m.freshTitlesMs),
        metric('s5c.freshSynced', 'S5 Chromium: fresh device, navigation → status synced (every task held)', m.freshSyncedMs),
        metric('s5c.warmCopyPainted', 'S5 Chromium: after a browser restart, navigation → first screen painted (from the local copy)', m.warmCopyPaintedMs),
        metric('s5c.warmPainted', 'S5 Chromium: after a browser restart, navigation → first screen painted by the app (open, editable)', m.warmPaintedMs),
        metric('s5c.warmSynced', 'S5 Chromium: after a browser restart, navigation → status synced', m.warmSyncedMs),
      ],
    };
  },
};
