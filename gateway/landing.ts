import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

const OFFLINE_TEXT = /(<p>Apollo Sandbox cannot be loaded; it appears that you might be offline\.<\/p>)/;
const OFFLINE_HINT =
  '<p>The self-hosted GraphiQL works without internet: <a href="graphiql">/graphiql</a>.</p>';

/**
 * The one place that decides what a browser gets at /graphql and GET /: in development Apollo
 * Sandbox (from Apollo's CDN), whose offline fallback now points at /graphiql, and `GET /`
 * redirects to it; in production no page at all (Apollo's production page names the server
 * version) and no redirect.
 */
export function landingPage(production: boolean): { plugin: ApolloServerPlugin; redirectRoot: boolean } {
  if (production) return { plugin: ApolloServerPluginLandingPageDisabled(), redirectRoot: false };
  const sandbox = ApolloServerPluginLandingPageLocalDefault({ footer: false });
  return {
    redirectRoot: true,
    plugin: {
      async serverWillStart(service) {
        const inner = await sandbox.serverWillStart?.(service);
        if (!inner?.renderLandingPage) return inner;
        const render = inner.renderLandingPage.bind(inner);
        return {
          ...inner,
          async renderLandingPage() {
            const page = await render();
            const html = page.html;
            return {
              html: async () =>
                (typeof html === 'string' ? html : await html()).replace(
                  OFFLINE_TEXT,
                  `$1\n  ${OFFLINE_HINT}`,
                ),
            };
          },
        };
      },
    },
  };
}
