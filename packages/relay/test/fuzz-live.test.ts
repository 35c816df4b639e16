import { describe, expect, it } from 'vitest';
import { runLiveFuzz } from '../fuzz/live-fuzz.js';

const FRAMES = 3_000;
/** An honest edit every this many hostile frames. */
const EDIT_EVERY = 50;

describe('live relay fed mutated real frames on both endpoints while two people edit the same document', () => {
  it('loses no honest edit, no receiver ever gets an update that throws, and fresh clients load everything, also after kill -9', async () => {
    const seed = Number(process.env.CONCORD_FUZZ_SEED ?? Date.now() % 1_000_000);
    console.info(`live fuzz seed ${seed} (replay with CONCORD_FUZZ_SEED=${seed}, or pnpm fuzz --seed ${seed} --frames ${FRAMES} --edit-every ${EDIT_EVERY})`);
    const report = await runLiveFuzz({ frames: FRAMES, seed, editEvery: EDIT_EVERY });
    console.info(`live fuzz report ${JSON.stringify(report)}`);
    expect(report.honestEdits).toBe(FRAMES / EDIT_EVERY);
    expect(report.settled).toBe(true);
    expect(report.honestRefusals).toEqual([]);
    expect(report.honestClocksLostLive).toBe(0);
    expect(report.texts.equal).toBe(true);
    expect(report.texts.readerEqual).toBe(true);
    expect(report.receiverErrors).toBe(0);
    expect([...report.freshClocksMissing, ...report.restartedClocksMissing]).toEqual([0, 0, 0, 0]);
    expect([...report.freshErrors, ...report.restartedErrors]).toEqual([0, 0, 0, 0]);
    expect([...report.freshLacking, ...report.restartedLacking]).toEqual([0, 0, 0, 0]);
    // The relay saw hostile input of every kind it refuses, or the run proved little.
    expect(report.refusedByReason.malformed_update).toBeGreaterThan(0);
    expect(report.refusedByReason.corrupt_update).toBeGreaterThan(0);
  }, 240_000);
});
