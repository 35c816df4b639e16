// @ts-check
// `pnpm fuzz [--frames N] [--seed S] [--attackers K]`: the live relay fuzzer (see live-fuzz.js). Prints a JSON report and
// exits 1 when an honest edit was lost or an honest receiver got an update that would not apply.
import { parseArgs } from 'node:util';
import { runLiveFuzz } from './live-fuzz.js';

const { values } = parseArgs({
  options: { frames: { type: 'string', default: '100000' }, seed: { type: 'string' }, attackers: { type: 'string', default: '4' } },
});
const seed = values.seed === undefined ? Date.now() % 1_000_000 : Number(values.seed);
const frames = Number(values.frames);
if (!Number.isSafeInteger(frames) || frames < 1 || !Number.isSafeInteger(seed)) {
  console.error('usage: pnpm fuzz [--frames N] [--seed S] [--attackers K]');
  process.exit(2);
}
console.error(`live fuzz: ${frames} frames, seed ${seed} (replay with --seed ${seed})`);
const report = await runLiveFuzz({ frames, seed, attackers: Number(values.attackers), log: (line) => console.error(line) });
console.log(JSON.stringify(report, null, 2));
const failed =
  !report.settled ||
  report.honestRefusals.length > 0 ||
  report.honestClocksLostLive > 0 ||
  report.receiverErrors > 0 ||
  !report.texts.equal ||
  !report.texts.readerEqual ||
  [...report.freshClocksMissing, ...report.freshErrors, ...report.freshLacking, ...report.restartedClocksMissing, ...report.restartedErrors, ...report.restartedLacking].some((n) => n > 0);
process.exit(failed ? 1 : 0);
