// @ts-check
// `pnpm fuzz [--frames N] [--seed S] [--attackers K] [--edit-every E]`: the live relay fuzzer (see live-fuzz.js). Prints
// a JSON report and exits 1 when an honest edit was lost or an honest receiver got an update that would not apply. The
// seed replays the edits and mutations, not the timing that decides which forwarded updates the attackers copy.
import { parseArgs } from 'node:util';
import { runLiveFuzz } from './live-fuzz.js';

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    attackers: { type: 'string', default: '4' },
    'edit-every': { type: 'string', default: '100' },
  },
});
const seed = values.seed === undefined ? Date.now() % 1_000_000 : Number(values.seed);
const frames = Number(values.frames);
const editEvery = Number(values['edit-every']);
if (!Number.isSafeInteger(frames) || frames < 1 || !Number.isSafeInteger(seed) || !Number.isSafeInteger(editEvery) || editEvery < 1) {
  console.error('usage: pnpm fuzz [--frames N] [--seed S] [--attackers K] [--edit-every E] (an honest edit every E hostile frames)');
  process.exit(2);
}
console.error(`live fuzz: ${frames} frames, seed ${seed} (replay with --seed ${seed} --frames ${frames} --edit-every ${editEvery})`);
const report = await runLiveFuzz({ frames, seed, attackers: Number(values.attackers), editEvery, log: (line) => console.error(line) });
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
