import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

// Unit and integration tests of core and relay run in Node against the TypeScript sources (integration tests spawn the
// built relay binary). The demo's real-browser tests have their own config.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@concord\/core\/protocol$/, replacement: src('core/src/protocol/index.ts') },
      { find: /^@concord\/core\/testing$/, replacement: src('core/src/testing/index.ts') },
      { find: /^@concord\/core\/node$/, replacement: src('core/src/node/index.ts') },
      { find: /^@concord\/core$/, replacement: src('core/src/index.ts') },
    ],
  },
  test: {
    include: ['scripts/*.test.ts', 'packages/core/src/**/*.test.ts', 'packages/core/test/**/*.test.ts', 'packages/relay/src/**/*.test.ts', 'packages/relay/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
