// Hive Gateway (`npx hive-gateway supergraph`, from @graphql-hive/gateway) serving our supergraph
// in place of `npm run gateway`: the same subgraph URLs (SUBGRAPH_URL_<API>, else the
// supergraph's), the same secret header and the same per-subgraph caller headers.
// test/scale/hive-cli.e2e.ts starts it as a process in front of running subgraphs.
import { readFileSync } from 'node:fs';
import { defineConfig } from '@graphql-hive/gateway';
import { GATEWAY_SECRET_HEADER } from './lib/secret.ts';
import { isCallerHeader } from './stack/part.ts';
import { parts } from './stack/parts/index.ts';
import { subgraphUrlVar } from './stack/ports.ts';

const secret = process.env.SUBGRAPH_SECRET;
if (!secret) throw new Error('SUBGRAPH_SECRET: is required (the secret every subgraph expects)');
const supergraph = process.env.SUPERGRAPH_FILE ?? './schema/supergraph.graphql';
const names = [...readFileSync(supergraph, 'utf8').matchAll(/@join__graph\(name: "([^"]+)"/g)].map(
  (m) => m[1]!,
);

export const gatewayConfig = defineConfig({
  supergraph,
  port: Number(process.env.PORT ?? 4000),
  host: process.env.HOST ?? '127.0.0.1',
  transportEntries: Object.fromEntries(
    names.flatMap((name) => {
      const location = process.env[subgraphUrlVar({ name })];
      return location ? [[name, { location }]] : [];
    }),
  ),
  propagateHeaders: {
    fromClientToSubgraphs({ request, subgraphName }) {
      const out: Record<string, string> = { [GATEWAY_SECRET_HEADER]: secret };
      const requestId = request.headers.get('x-request-id');
      if (requestId) out['x-request-id'] = requestId;
      const part = parts.find((p) => p.name === subgraphName);
      if (part)
        request.headers.forEach((value, name) => {
          if (isCallerHeader(part.callerHeaders, name)) out[name] = value;
        });
      return out;
    },
  },
});
