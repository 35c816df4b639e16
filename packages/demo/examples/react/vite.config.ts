import react from '@vitejs/plugin-react';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The React example: `vite build --config examples/react/vite.config.ts` from packages/demo writes examples/react/dist,
// which the relay serves with `--static` (the browser test does). With REACT=18 in the environment it is built against
// React 18 instead (the `react-18` and `react-dom-18` aliases of the demo's devDependencies) into dist-react18:
// `@concord/core/react` supports both, and the browser test runs the same page on each. The aliases apply to every
// import the bundler resolves, including react-dom's own `require('react')`.
const react18 = process.env['REACT'] === '18';
// Absolute directories: the aliases apply to files outside this package too (@concord/core's hooks), which cannot
// resolve the demo's devDependencies by name.
const require = createRequire(import.meta.url);
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  build: { outDir: react18 ? 'dist-react18' : 'dist', emptyOutDir: true, target: 'es2022' },
  plugins: [react()],
  resolve: react18
    ? {
        alias: [
          { find: /^react$/, replacement: packageDir('react-18') },
          { find: /^react\/(.*)$/, replacement: `${packageDir('react-18')}/$1` },
          { find: /^react-dom$/, replacement: packageDir('react-dom-18') },
          { find: /^react-dom\/(.*)$/, replacement: `${packageDir('react-dom-18')}/$1` },
        ],
      }
    : {},
});
