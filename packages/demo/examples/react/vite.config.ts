import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The React example: `vite build --config examples/react/vite.config.ts` from packages/demo writes examples/react/dist,
// which the relay serves with `--static` (the browser test does).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  plugins: [react()],
});
