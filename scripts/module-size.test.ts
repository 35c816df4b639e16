import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// One job per module: a source file longer than 300 lines says why at its top, in a comment starting "Over 300 lines:".
// Checked over core, the relay, the demo and the scripts.

const root = fileURLToPath(new URL('..', import.meta.url));
const ROOTS = ['packages/core', 'packages/relay', 'packages/demo', 'scripts'];
const MAX_LINES = 300;
const REASON = /^\s*(\/\/|\/?\*+)\s*Over 300 lines: \S/;

function trackedSources(): string[] {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', ...ROOTS], { cwd: root, encoding: 'utf8' });
  return files.split('\n').filter((file) => /\.(ts|js|mjs)$/.test(file) && !file.includes('/bench/results/'));
}

describe('module size', () => {
  it(`every source file over ${MAX_LINES} lines gives its reason in its first 10 lines`, () => {
    const unexplained = trackedSources().filter((file) => {
      let lines: string[];
      try {
        lines = readFileSync(`${root}/${file}`, 'utf8').split('\n');
      } catch {
        return false; // deleted in the work tree
      }
      return lines.length > MAX_LINES + 1 && !lines.slice(0, 10).some((line) => REASON.test(line));
    });
    expect(unexplained).toEqual([]);
  });
});
