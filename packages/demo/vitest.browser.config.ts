import { defineConfig } from 'vitest/config';

// Real-browser tests: they run in Node and drive Debian's Chromium through playwright-core against the real relay
// serving the built demo (dist/). Not vitest's browser mode. Files run one after another: each starts its own relay
// and browser, and two Chromiums at once would starve a 2-core machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default'],
  },
});
