import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The React example: `vite build --config examples/react/vite.config.ts` from packages/demo writes examples/react/dist,
// which the relay serves with `--static` (the browser test does). With REACT=18 in the environment it is built against
// React 18 instead (the `react-18` and `react-dom-18` aliases of the demo's devDependencies) into dist-react18:
// `@concord/core/react` supports both, and the browser test runs the same page on each. The aliases apply to every
// import the bundler resolves, including react-dom's own `require('react')`.
const react18 = process.env['REACT'] === '18';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  build: { outDir: react18 ? 'dist-react18' : 'dist', emptyOutDir: true, target: 'es2022' },
  plugins: [react()],
  resolve: react18
    ? {
        alias: [
          { find: /^react$/, replacement: 'react-18' },
          { find: /^react\/(.*)$/, replacement: 'react-18/$1' },
          { find: /^react-dom$/, replacement: 'react-dom-18' },
          { find: /^react-dom\/(.*)$/, replacement: 'react-dom-18/$1' },
        ],
      }
    : {},
});
