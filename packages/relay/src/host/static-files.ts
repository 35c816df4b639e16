import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** Files whose every load must reach the server: the app shell and service worker decide what the app runs. */
const NO_CACHE = new Set(['index.html', 'sw.js', 'service-worker.js', 'manifest.webmanifest']);

/**
 * Serves a folder (the demo's Vite build): `/` is index.html whatever the query string (`/?list=…`), directories get
 * their index.html, anything outside the folder or missing is 404. GET and HEAD only. Returns whether it answered.
 */
export function createStaticHandler(root: string): (request: IncomingMessage, response: ServerResponse) => Promise<boolean> {
  const base = resolve(root);
  return async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const file = await resolveFile(base, new URL(request.url ?? '/', 'http://relay').pathname);
    if (file === null) return false;
    const name = file.slice(file.lastIndexOf(sep) + 1);
    response.statusCode = 200;
    response.setHeader('Content-Type', CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    if (NO_CACHE.has(name)) response.setHeader('Cache-Control', 'no-cache');
    if (name === 'sw.js' || name === 'service-worker.js') response.setHeader('Service-Worker-Allowed', '/');
    if (request.method === 'HEAD') {
      response.end();
      return true;
    }
    await new Promise<void>((done) => {
      const stream = createReadStream(file);
      stream.on('error', () => {
        response.destroy();
        done();
      });
      stream.on('end', done);
      stream.pipe(response);
    });
    return true;
  };
}

async function resolveFile(base: string, pathname: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  let candidate = resolve(base, `.${decoded}`);
  // No path traversal: the resolved path must stay inside the folder.
  if (candidate !== base && !candidate.startsWith(base + sep)) return null;
  try {
    let info = await stat(candidate);
    if (info.isDirectory()) {
      candidate = resolve(candidate, 'index.html');
      info = await stat(candidate);
    }
    return info.isFile() ? candidate : null;
  } catch {
    return null;
  }
}
