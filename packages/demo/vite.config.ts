import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// The relay serves dist/ at its root (`--static`), and the page talks to the relay on the same origin.
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // fixtures/schema-v1.html: the demo before its task fields, for the browser test of older code on a newer list.
    rollupOptions: { input: { main: 'index.html', 'schema-v1': 'fixtures/schema-v1.html' } },
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  plugins: [
    preloadApp(),
    VitePWA({
      // Registered from src/service-worker.ts; generateSW precaches the app shell (HTML, JS, CSS, icon).
      injectRegister: false,
      registerType: 'autoUpdate',
      strategies: 'generateSW',
      includeAssets: ['icon.svg'],
      manifest: {
        name: 'Concord — shared task list',
        short_name: 'Concord',
        description: 'Offline-first shared task lists that merge without conflicts.',
        theme_color: '#1d4ed8',
        background_color: '#f4f6fa',
        display: 'standalone',
        start_url: '/',
        icons: [{ src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
        // The page and its assets race the network against the worker (public/sw-routes.js).
        importScripts: ['sw-routes.js'],
        globPatterns: ['**/*.{html,js,css,svg,webmanifest}'],
        // Any navigation (?list=…&user=…) opens the cached shell; the relay's own endpoints are never the shell.
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/(healthz|metrics|readyz)/],
        skipWaiting: true,
        clientsClaim: true,
        cleanupOutdatedCaches: true,
      },
    }),
  ],
});

/**
 * The page's entry (src/main.ts) imports the app (src/app-start.ts) only after its first frame: the app's chunk is
 * fetched and compiled from the start all the same (`modulepreload` does not evaluate it), so the import waits for
 * nothing but evaluation.
 */
function preloadApp(): Plugin {
  return {
    name: 'concord-preload-app',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        const app = Object.values(context.bundle ?? {}).find((chunk) => chunk.type === 'chunk' && chunk.isDynamicEntry && chunk.name === 'app-start');
        if (!app) return html;
        return [{ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: '', href: `/${app.fileName}` }, injectTo: 'head' }];
      },
    },
  };
}
