import { LIKENAMA_TOKEN_HEADER } from '../../subgraphs/likenama/headers.ts';
import { definePart } from '../part.ts';

// Likenama has no server-side credential: each caller sends its own token (x-likenama-token),
// so the emulator's overlay is only its URL.
export const likenamaPart = definePart({
  name: 'likenama',
  defaultPort: 4004,
  schemaUrl: new URL('../../subgraphs/likenama/schema.graphql', import.meta.url),
  callerHeaders: { names: [LIKENAMA_TOKEN_HEADER] },
  serverCredentials: () => [],
  upstreamVariable: 'LIKENAMA_URL',
  needsEmulator: (env) => !env.LIKENAMA_URL,
  async startEmulator({ port, latencyMs }) {
    const { createDemoLikenamaEmulator } = await import('../../emulators/likenama/index.ts');
    const emulator = createDemoLikenamaEmulator({ latencyMs });
    const url = await emulator.listen(port);
    return { emulator, env: { LIKENAMA_URL: url } };
  },
  async subgraph(env) {
    const [{ likenamaConfigFromEnv }, { createLikenamaSubgraph }] = await Promise.all([
      import('../../subgraphs/likenama/config.ts'),
      import('../../subgraphs/likenama/subgraph.ts'),
    ]);
    return createLikenamaSubgraph(likenamaConfigFromEnv(env), { env });
  },
});
