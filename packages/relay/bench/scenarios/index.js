// @ts-check
// The scenarios, in the order they run. S5 (a 1,000-task list over one multiplexed connection) and S6 (a client
// opening a 1,000-task list from IndexedDB) join this list as modules of their own following ./types.js.
import { s1 } from './s1-fanout.js';
import { s2 } from './s2-many-docs.js';
import { s3 } from './s3-catchup.js';
import { s4 } from './s4-crash.js';

/** @type {import('./types.js').Scenario[]} */
export const SCENARIOS = [s1, s2, s3, s4];
