import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { timed } from '../engine/pauses.js';
import type { RelayMetrics } from '../metrics/relay-metrics.js';
import { LISTS_PATH, listsRoute } from './lists-route.js';
import { SHARE_PATH, shareRoute } from './share-route.js';
import { createStaticHandler } from './static-files.js';

/** Answers a request under `/api/`; false when the path is not one of its. */
export type ApiHandler = (request: IncomingMessage, response: ServerResponse, pathname: string) => Promise<boolean>;

/** The plain HTTP requests the host answers: `/healthz`, `/metrics`, `/share-links`, `/lists`, the API, then the static folder, else 404. */
export function httpRoutes(options: {
  readonly engine: { readonly loadedDocuments: readonly string[] };
  readonly logger: Logger;
  readonly staticDir: string | null;
  readonly metrics?: RelayMetrics | null;
  readonly authSecret?: string | null;
  /** The HTTP API under `/api/` (answers false for other paths). */
  readonly api?: ApiHandler | null;
}): (request: IncomingMessage, response: ServerResponse) => void {
  const serveStatic = options.staticDir === null ? null : createStaticHandler(options.staticDir);
  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    try {
      const { pathname } = new URL(request.url ?? '/', 'http://relay');
      const readOnly = request.method === 'GET' || request.method === 'HEAD';
      if (pathname === '/healthz' && readOnly) {
        response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : 'ok');
        return;
      }
      const metrics = options.metrics;
      if (pathname === '/metrics' && readOnly && metrics) {
        metrics.documentsLoaded.set(options.engine.loadedDocuments.length);
        const text = await timed('metrics', () => metrics.text());
        response.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : text);
        return;
      }
      if (pathname === SHARE_PATH) return await shareRoute(request, response, options.authSecret ?? null, options.logger);
      if (pathname === LISTS_PATH) return await listsRoute(request, response, options.authSecret ?? null, options.logger);
      if (options.api && (await options.api(request, response, pathname))) return;
      if (serveStatic !== null && (await serveStatic(request, response))) return;
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('not found');
    } catch (error) {
      options.logger.error({ err: error, url: request.url }, 'http request failed');
      if (!response.headersSent) response.writeHead(500);
      response.end();
    }
  };
  return (request, response) => void route(request, response);
}
