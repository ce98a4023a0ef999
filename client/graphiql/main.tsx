// The gateway's offline explorer (served at /graphiql by gateway/graphiql.ts): GraphiQL and
// its Monaco editor bundled from npm by Vite, no CDN.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { GraphiQL, type GraphiQLProps } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

// relative, so the page works under any prefix: /graphiql/ → /graphql
const endpoint = new URL('../graphql', window.location.href).href;

// JSON POSTs pass the gateway's CSRF prevention; headers typed in GraphiQL's editor
// (x-smm-key-<provider>, x-likenama-token, ...) are sent along.
const fetcher: GraphiQLProps['fetcher'] = async (params, opts) => {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...opts?.headers },
    body: JSON.stringify(params),
  });
  return res.json();
};

const DEFAULT_QUERY = `# Explore the graph: Ctrl-Enter runs, Ctrl-Space completes, the book icon opens the docs.
# Per-request upstream credentials go in the Headers tab, e.g. {"x-smm-key-sosyal": "..."}.
query Providers {
  smmProviders {
    id
    name
    balance {
      amount
      currency
    }
  }
}
`;

// ?query=...&variables=... open a given operation (links from docs and tests)
const search = new URLSearchParams(window.location.search);

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      defaultQuery={DEFAULT_QUERY}
      initialQuery={search.get('query') ?? undefined}
      initialVariables={search.get('variables') ?? undefined}
      defaultEditorToolsVisibility={search.has('variables')}
    />
  </StrictMode>,
);
