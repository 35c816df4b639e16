// @ts-check
import { setTimeout } from 'node:timers';


/**
 * @param {number[]} values
 * @param {number} p between 0 and 1
 */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index] ?? NaN;
}

/** @param {number[]} values */
export const median = (values) => percentile(values, 0.5);

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
