import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';

/** Built by `npm run build:graphiql` (client/graphiql, bundled from npm by Vite: no CDN). */
export const GRAPHIQL_DIR = fileURLToPath(new URL('../client/dist/graphiql/', import.meta.url));

export const GRAPHIQL_BUILD_COMMAND = 'npm run build:graphiql';

/**
 * Serves the self-hosted GraphiQL (mount it at /graphiql), so the graph can be explored without
 * internet; Apollo Sandbox, loaded from Apollo's CDN, stays the landing page at /graphql.
 * Like Sandbox and introspection, it is off when NODE_ENV is production.
 */
export function graphiql(dir = GRAPHIQL_DIR): Router {
  const router = express.Router();
  const assets = express.static(join(dir, 'assets'), { immutable: true, maxAge: '1y' });
  const page = express.static(dir, { index: 'index.html', cacheControl: false });
  router.use((req, res, next) => {
    if (process.env.NODE_ENV === 'production') {
      res.status(404).type('text/plain').send('GraphiQL is off in production (introspection is off too).\n');
      return;
    }
    // checked on each request, so a bundle built while the gateway runs is picked up
    if (!existsSync(join(dir, 'index.html'))) {
      res
        .status(503)
        .type('text/plain')
        .send(`GraphiQL is not built yet: run \`${GRAPHIQL_BUILD_COMMAND}\`, then reload this page.\n`);
      return;
    }
    res.setHeader('x-content-type-options', 'nosniff');
    next();
  });
  // hashed file names: cached for good; the page itself is revalidated
  router.use('/assets', assets);
  router.use((req, res, next) => {
    res.setHeader('cache-control', 'no-cache');
    page(req, res, next);
  });
  router.use((_req, res) => {
    res.status(404).type('text/plain').send('Not found\n');
  });
  return router;
}
