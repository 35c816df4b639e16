// A deliberate import cycle (a -> b -> c -> a) for scripts/layering.test.ts; lint ignores this folder otherwise.
import { b } from './b.js';

export const a = (): string => `a${b()}`;
