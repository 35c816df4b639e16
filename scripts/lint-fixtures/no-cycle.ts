// Imports without a cycle, for scripts/layering.test.ts.
import { c } from './cycle/c.js';

export const d = `${c}d`;
