// @ts-check
// Checks one packed tarball as npm would publish it: no test files, every file its package.json points at is inside,
// no `workspace:` ranges, and its dependencies are exactly the packages its shipped JavaScript imports (optional peer
// dependencies may be loaded lazily, so they need not appear as imports).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * @typedef {{ name: string, main?: string, types?: string, bin?: Record<string, string>, exports?: unknown,
 *   dependencies?: Record<string, string>, peerDependencies?: Record<string, string> }} Manifest
 */

const TEST_FILE = /(\.test\.[cm]?[jt]s(\.map)?$|\/test-support\/|\/test\/|\.tsbuildinfo$)/;
const BUILTINS = /^node:/;

/** @param {string} tarball @param {string} work */
export function checkTarball(tarball, work) {
  const name = basename(tarball, '.tgz');
  const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((file) => file.replace(/^package\//, ''));
  const problems = files.filter((file) => TEST_FILE.test(file)).map((file) => `ships a test file: ${file}`);
  const into = join(work, `unpacked-${name}`);
  mkdirSync(into);
  execFileSync('tar', ['xzf', tarball, '-C', into]);
  const dir = join(into, 'package');
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a package.json, read as the Manifest it is
  const manifest = /** @type {Manifest} */ (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')));

  const targets = [manifest.main, manifest.types, ...Object.values(manifest.bin ?? {}), ...exportTargets(manifest.exports)];
  for (const target of targets) if (target && !files.includes(target.replace(/^\.\//, ''))) problems.push(`points at ${target}, which it does not ship`);

  const declared = { ...manifest.dependencies, ...manifest.peerDependencies };
  for (const [dep, range] of Object.entries(declared)) if (String(range).startsWith('workspace:')) problems.push(`depends on ${dep}@${range}`);
  const imported = new Set();
  for (const file of files.filter((file) => /^(dist|bin)\/.*\.[cm]?js$/.test(file))) {
    // Comments are dropped first: their examples import packages (the package itself, say) the code does not.
    const code = readFileSync(join(dir, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    // A keyword inside a string (`['from', 'to']`) is no import: the keyword must not follow a quote.
    for (const match of code.matchAll(/(?<!['"])(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"./][^'"]*)['"]/g)) {
      const specifier = match[1] ?? '';
      if (!BUILTINS.test(specifier)) imported.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);
    }
  }
  for (const dep of imported) if (!(dep in declared)) problems.push(`imports ${dep} without depending on it`);
  for (const dep of Object.keys(manifest.dependencies ?? {})) if (!imported.has(dep)) problems.push(`depends on ${dep} without importing it`);
  if (problems.length > 0) throw new Error(`${manifest.name} (${basename(tarball)}):\n  ${problems.join('\n  ')}`);
}

/** Every file an `exports` map names. @param {unknown} exports @returns {string[]} */
function exportTargets(exports) {
  if (typeof exports === 'string') return [exports];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.values(exports).flatMap(exportTargets);
}

