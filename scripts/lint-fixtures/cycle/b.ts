import { c } from './c.js';

export const b = (): string => `b${c}`;
