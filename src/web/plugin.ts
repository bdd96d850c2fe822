// Serves the dashboard: the static pages in src/web/public at /, the chart library from
// node_modules at /vendor/ (no CDN, no build step), and the family page at /family/<token>.
// The pages hold no data: everything personal comes from /api after sign-in (or from the
// family link's own status route), so these files may be served to anyone.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
export const PUBLIC_DIR = join(here, 'public');
const UPLOT_DIR = dirname(require.resolve('uplot/dist/uPlot.esm.js'));

// Same-origin only: no inline script, no third-party anything (uPlot sets element styles).
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** The headers every answer carries (also those the router gives before any hook: server.ts). */
export function setSecurityHeaders(reply: FastifyReply): void {
  void reply.header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
}

export async function webPlugin(app: FastifyInstance): Promise<void> {
  app.addHook('onSend', async (_req, reply, payload) => {
    setSecurityHeaders(reply);
    return payload;
  });
  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/', index: ['index.html'], cacheControl: false });
  await app.register(fastifyStatic, { root: UPLOT_DIR, prefix: '/vendor/uplot/', decorateReply: false, allowedPath: (p) => /^\/uPlot\.(esm\.js|min\.css)$/.test(p) });
  // The token is read by the page from its own URL; the page itself is the same for everyone.
  app.get('/family/:token', (_req, reply) => reply.header('cache-control', 'no-store').sendFile('family.html'));
}
