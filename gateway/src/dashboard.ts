import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Serves the built web dashboard (`dashboard/dist`, made by `npm run build -w @sysray/dashboard` in the root
 * `prepare` script) at `/`: `index.html` for `/`, hashed files under `/assets/`. Everything comes from disk
 * next to the gateway, nothing from a CDN. The routes are public (the page itself holds no data; the API it
 * calls checks tokens) and hidden from the OpenAPI document. Without a build, `/` answers 503 with a page
 * that says how to build it.
 */

/** Where the dashboard build lands, relative to this file (gateway/src or gateway/dist). */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/dist', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sysray — dashboard not built</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto">
<h1>dashboard not built</h1>
<p>The gateway serves the web dashboard from <code>dashboard/dist</code>, which is missing.
Build it with <code>npm run build -w @sysray/dashboard</code> (the root <code>npm install</code> does it
in its <code>prepare</code> script). The REST API under <code>/api/v1/</code> works without it.</p>
</body></html>
`;

export interface DashboardOptions {
  /** The built dashboard folder; DEFAULT_DASHBOARD_DIR by default. */
  readonly dir?: string;
}

function sendNotBuilt(reply: FastifyReply): FastifyReply {
  return reply
    .code(503)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(NOT_BUILT_PAGE);
}

export function registerDashboard(app: FastifyInstance, options: DashboardOptions = {}): void {
  const dir = options.dir ?? DEFAULT_DASHBOARD_DIR;
  const assetsDir = join(dir, 'assets');
  const routeOptions = { config: { access: 'public' as const }, schema: { hide: true } };

  const sendIndex = (reply: FastifyReply): FastifyReply => {
    const index = join(dir, 'index.html');
    // Read per request: a rebuild while the gateway runs is picked up, and the file is a few hundred bytes.
    if (!existsSync(index)) return sendNotBuilt(reply);
    return reply
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(readFileSync(index));
  };

  app.get('/', routeOptions, async (_request, reply) => sendIndex(reply));
  app.get('/index.html', routeOptions, async (_request, reply) => sendIndex(reply));
  app.get<{ Params: { '*': string } }>('/assets/*', routeOptions, async (request, reply) => {
    const wanted = normalize(join(assetsDir, request.params['*']));
    // No way out of the assets folder (`..`, encoded or not, normalizes above it).
    if (!wanted.startsWith(assetsDir + sep) || !existsSync(wanted) || !statSync(wanted).isFile()) {
      return reply.callNotFound();
    }
    const type = CONTENT_TYPES[extname(wanted)] ?? 'application/octet-stream';
    // Vite names assets by content hash: a name never changes meaning, so browsers may keep it.
    return reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .type(type)
      .send(readFileSync(wanted));
  });
}
