#!/usr/bin/env -S node --min-semi-space-size=16
// The published executable: a shim over the compiled CLI (build first: `pnpm build`).
import { runCli } from '../dist/cli.js';

await runCli();
