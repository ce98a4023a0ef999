import { fileURLToPath } from 'node:url';
import { defineConfig, type InlineConfig } from 'vite';

/** Where the dev server forwards the app's /graphql requests: the running gateway. */
export const DEFAULT_GATEWAY_URL = 'http://localhost:4000/graphql';

/**
 * The example app's Vite config. The app always posts to its own origin's /graphql and the dev
 * server proxies that to the gateway (GATEWAY_URL), so the gateway needs no CORS.
 */
export function appConfig(gatewayUrl = process.env.GATEWAY_URL || DEFAULT_GATEWAY_URL): InlineConfig {
  const gateway = new URL(gatewayUrl);
  return {
    root: fileURLToPath(new URL('.', import.meta.url)),
    configFile: false,
    clearScreen: false,
    server: {
      port: Number(process.env.APP_PORT || 5173),
      proxy: {
        '/graphql': {
          target: gateway.origin,
          changeOrigin: true,
          rewrite: (path) => gateway.pathname + path.slice('/graphql'.length),
        },
        // the gateway's self-hosted GraphiQL, so "Explore the graph" works from the app too
        '/graphiql': { target: gateway.origin, changeOrigin: true },
      },
    },
    // listed up front so the first page load never triggers a dependency re-optimisation reload
    optimizeDeps: {
      include: [
        'react',
        'react/jsx-runtime',
        'react-dom/client',
        '@apollo/client',
        '@apollo/client/react',
        'rxjs',
      ],
    },
    build: { outDir: fileURLToPath(new URL('../dist/app', import.meta.url)), emptyOutDir: true },
  };
}

export default defineConfig(appConfig());
