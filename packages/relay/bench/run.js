// @ts-check
// `pnpm bench` (full, for people) and `pnpm bench:smoke` (tiny sizes, one run, for CI so the harness cannot rot).
// Usage: node bench/run.js [--smoke] [--runs N] [--only S1,S3] [--targets concord,yws-mem]
// The harness lives in lib/main.js, where the bench's tsconfig gives the linter its types.
import './lib/main.js';
