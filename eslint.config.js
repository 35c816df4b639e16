import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import concord from './scripts/eslint-import-cycles.mjs';

/**
 * The allowed directions between folders, as lint: `files` (sources, not their tests) import nothing from the named
 * folders of the same package. Each folder's rule stands alone: one config object per folder, or a later object would
 * replace an earlier one's list for the files both match.
 */
/**
 * @param {string[]} files
 * @param {string[]} folders
 * @param {string} why
 */
function layer(files, folders, why) {
  return {
    files,
    ignores: ['**/*.test.ts', '**/test-support/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: `(^|/)(${folders.join('|')})(/|\\.js$)`, message: why }] }],
    },
  };
}

const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'crypto', 'events', 'stream', 'http', 'https', 'net', 'url', 'util', 'child_process', 'worker_threads', 'buffer'];
const BROWSER_OR_NODE_GLOBALS = ['window', 'document', 'navigator', 'indexedDB', 'localStorage', 'sessionStorage', 'BroadcastChannel', 'WebSocket', 'requestIdleCallback', 'process', 'Buffer', 'require', '__dirname', '__filename', 'setImmediate', 'global'].map(
  (name) => ({ name, message: 'The protocol subpath runs in browsers and in Node alike: pass what it needs in.' }),
);

export default tseslint.config(
  { ignores: ['**/dist/**', '**/dist-react18/**', 'docs/api/**', '**/node_modules/**', '**/dev-dist/**', 'packages/relay/bench/results/**', 'scripts/lint-fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // One program over every package, tests and scripts: type-aware rules (no-floating-promises) see everything.
      parserOptions: { project: './tsconfig.lint.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { concord },
    rules: {
      // TypeScript resolves names (and knows Node's and the DOM's globals); the core rule cannot.
      'no-undef': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Yjs texts stringify to their content; their typings just don't say so.
      '@typescript-eslint/no-base-to-string': ['error', { ignoredTypeNames: ['YText', 'Text', 'YXmlText', 'Error', 'RegExp', 'URL', 'URLSearchParams'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'concord/no-import-cycle': 'error',
    },
  },
  // core: the protocol subpath (`@concord/core/protocol`, shared with the relay) is self-contained and runs anywhere.
  {
    files: ['packages/core/src/protocol/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['ws', 'y-indexeddb', 'fake-indexeddb', 'y-websocket'].map((name) => ({ name, message: 'The protocol subpath runs in browsers and in Node alike.' })),
          patterns: [
            { group: NODE_BUILTINS, message: 'The protocol subpath runs in browsers and in Node alike.' },
            { regex: '^\\.\\./', message: 'The protocol subpath is self-contained: the relay imports it without the rest of core.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', ...BROWSER_OR_NODE_GLOBALS],
    },
  },
  layer(['packages/core/src/model/**/*.ts'], ['store', 'transport', 'persistence'], 'The model (documents, ids, order) knows nothing of storing or syncing them.'),
  // relay: storage <- engine <- sessions <- host <- relay.ts/cli.ts; cluster plugs into the engine from outside.
  layer(
    ['packages/relay/src/storage/**/*.ts'],
    ['engine', 'sessions', 'host', 'cluster', 'metrics', 'auth', 'commands', 'relay', 'cli'],
    'Storage is the bottom layer: it knows nothing of rooms, connections or other relays.',
  ),
  layer(
    ['packages/relay/src/engine/**/*.ts'],
    ['sessions', 'host', 'cluster', 'metrics', 'auth', 'commands', 'relay', 'cli'],
    'The engine knows no wire protocol, HTTP, metrics or Redis: they depend on it, through its interfaces.',
  ),
  layer(
    ['packages/relay/src/sessions/**/*.ts'],
    ['host', 'cluster', 'metrics', 'storage', 'commands', 'relay', 'cli', 'relay-engine'],
    'Sessions speak a wire protocol to the engine through the narrow interface in engine/member.ts.',
  ),
  layer(['packages/relay/src/cluster/**/*.ts'], ['host', 'sessions', 'metrics', 'commands', 'relay', 'cli'], 'Replication talks to the engine only.'),
  // The bench's peer relays import packages installed only when the bench runs (after lint in the test command), so
  // they get the rules that need no types.
  { files: ['packages/relay/bench/peers/**/*.js'], ...tseslint.configs.disableTypeChecked },
);
