import type { a } from './a.js';

export const c = 'c';
export type A = typeof a;
