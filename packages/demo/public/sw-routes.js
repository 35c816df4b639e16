// Imported by the service worker vite-plugin-pwa generates (vite.config.ts, workbox.importScripts).
//
// After a browser restart the service worker is not running: every request it handles waits for it to start, which
// took a loaded machine 200 ms before the page's own request even began. With these routes (the Static Routing API)
// the browser races the network against the worker for the page and its assets, so an online reopen does not wait
// for the worker, and an offline one is still served from its cache. Browsers without the API ignore this.
self.addEventListener('install', (/** @type {Event & { addRoutes?: (rules: object[]) => void }} */ event) => {
  if (typeof event.addRoutes !== 'function') return;
  event.addRoutes([
    { condition: { requestMode: 'navigate' }, source: 'race-network-and-fetch-handler' },
    { condition: { urlPattern: '/assets/*' }, source: 'race-network-and-fetch-handler' },
  ]);
});
