// An ESLint rule, `concord/no-import-cycle`: reports an import that leads, through relative imports, back to the file
// that makes it. ESLint lints one file at a time, so the rule reads the other files of the cycle itself (with
// TypeScript's parser, top-level import and export declarations only) and caches their edges by modification time.
// `import type` and `export type` count too: a cycle of types is still two modules that cannot change apart.
import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

/** @type {Map<string, { mtimeMs: number, edges: string[] }>} */
const edgeCache = new Map();

/**
 * `./x.js` written in TypeScript sources names `./x.ts`; a folder names its index. Packages are not followed: a
 * package cannot import its own dependents.
 * @param {string} fromFile
 * @param {string} specifier
 * @returns {string | null}
 */
function resolveImport(fromFile, specifier) {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(fromFile), specifier);
  const stem = base.replace(/\.(m|c)?js$/, '');
  for (const candidate of [`${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, base, `${base}/index.ts`, `${base}/index.js`]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return null;
}

/**
 * @param {string} file
 * @returns {string[]}
 */
function edgesOf(file) {
  /** @type {number} */
  let mtimeMs;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return [];
  }
  const cached = edgeCache.get(file);
  if (cached !== undefined && cached.mtimeMs === mtimeMs) return cached.edges;
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  /** @type {string[]} */
  const edges = [];
  for (const statement of source.statements) {
    const specifier =
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier !== undefined && ts.isStringLiteral(statement.moduleSpecifier)
        ? statement.moduleSpecifier.text
        : null;
    const target = specifier === null ? null : resolveImport(file, specifier);
    if (target !== null) edges.push(target);
  }
  edgeCache.set(file, { mtimeMs, edges });
  return edges;
}

/**
 * A path of imports from `start` to `goal`, or null (depth-first, each file visited once).
 * @param {string} start
 * @param {string} goal
 * @returns {string[] | null}
 */
function pathBetween(start, goal) {
  /** @type {Set<string>} */
  const seen = new Set();
  /** @type {(file: string) => string[] | null} */
  const walk = (file) => {
    if (file === goal) return [file];
    if (seen.has(file)) return null;
    seen.add(file);
    for (const next of edgesOf(file)) {
      const rest = walk(next);
      if (rest !== null) return [file, ...rest];
    }
    return null;
  };
  return walk(start);
}

/** @type {import('eslint').Rule.RuleModule} */
const noImportCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid relative imports that lead back to the importing module' },
    schema: [],
    messages: { cycle: 'Import cycle: {{path}}' },
  },
  create(context) {
    const file = resolve(context.filename);
    /** @param {{ source?: { value?: unknown } | null }} node */
    const check = (node) => {
      const source = node.source;
      if (source === null || source === undefined || typeof source.value !== 'string') return;
      const target = resolveImport(file, source.value);
      if (target === null) return;
      const path = pathBetween(target, file);
      if (path === null) return;
      const shown = [file, ...path].map((step) => relative(process.cwd(), step)).join(' -> ');
      context.report({ node: /** @type {import('eslint').Rule.Node} */ (source), messageId: 'cycle', data: { path: shown } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

export default { meta: { name: 'concord' }, rules: { 'no-import-cycle': noImportCycle } };
