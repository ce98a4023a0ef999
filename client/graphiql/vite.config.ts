import { fileURLToPath } from 'node:url';
import { defineConfig, type InlineConfig } from 'vite';

/** Where the GraphiQL bundle is built to, and served from by gateway/graphiql.ts. */
export const GRAPHIQL_OUT_DIR = fileURLToPath(new URL('../dist/graphiql', import.meta.url));

/** `vite build --config client/graphiql/vite.config.ts` builds the offline GraphiQL page. */
export function graphiqlConfig(outDir = GRAPHIQL_OUT_DIR): InlineConfig {
  return {
    root: fileURLToPath(new URL('.', import.meta.url)),
    configFile: false,
    // relative asset URLs: the page works wherever the gateway mounts it
    base: './',
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      chunkSizeWarningLimit: 8000,
      rolldownOptions: {
        // GraphiQL's dependencies mark modules "use client" for React Server Components: moot here
        onwarn(warning, warn) {
          if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
        },
      },
    },
    worker: { format: 'es' },
  };
}

export default defineConfig(graphiqlConfig());
