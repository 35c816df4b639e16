// @ts-check
// A server's CPU by thread, from the scheduler's own account: the tools that judge one relay against another by a few
// milliseconds of CPU need nanoseconds, where utime + stime of the process come in 10 ms clock ticks.
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU (µs) of each thread of `pid` so far (`/proc/<pid>/task/<tid>/schedstat`): `main`, then the others by start order
 * (V8's helpers and libuv's pool are all called `node`).
 * @param {number} pid
 * @returns {Map<string, number>}
 */
export function threadCpu(pid) {
  /** @type {Map<string, number>} */
  const cpu = new Map();
  const tids = readdirSync(`/proc/${pid}/task`).map(Number).sort((a, b) => a - b);
  for (const [index, tid] of tids.entries()) {
    let schedstat;
    try {
      schedstat = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8');
    } catch {
      continue; // the thread ended
    }
    cpu.set(tid === pid ? 'main' : `thread ${index}`, Number(schedstat.split(' ')[0]) / 1000);
  }
  return cpu;
}

/** @param {Map<string, number>} cpu */
export const totalCpu = (cpu) => [...cpu.values()].reduce((sum, micros) => sum + micros, 0);

/**
 * The CPU (µs) spent between two readings, on the main thread and on the others.
 * @param {Map<string, number>} before
 * @param {Map<string, number>} after
 */
export function cpuBetween(before, after) {
  let main = 0;
  let others = 0;
  for (const [thread, micros] of after) {
    const spent = micros - (before.get(thread) ?? 0);
    if (thread === 'main') main += spent;
    else others += spent;
  }
  return { main, others };
}
