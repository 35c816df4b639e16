// @ts-check
// The scenarios, in the order they run; each a module following ./types.js.
import { s1 } from './s1-fanout.js';
import { s2 } from './s2-many-docs.js';
import { s3 } from './s3-catchup.js';
import { s4 } from './s4-crash.js';
import { s5 } from './s5-list.js';
import { s5Browser } from './s5-browser.js';
import { s6 } from './s6-client-open.js';
import { s7 } from './s7-scale.js';
import { s8 } from './s8-http-api.js';

/** @type {import('./types.js').Scenario[]} */
export const SCENARIOS = [s1, s2, s3, s4, s5, s5Browser, s6, s7, s8];
