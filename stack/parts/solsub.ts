import { SOLSUB_KEY_HEADER } from '../../subgraphs/solsub/headers.ts';
import { definePart, setVariables } from '../part.ts';

export const solsubPart = definePart({
  name: 'solsub',
  defaultPort: 4002,
  schemaUrl: new URL('../../subgraphs/solsub/schema.graphql', import.meta.url),
  callerHeaders: { names: [SOLSUB_KEY_HEADER] },
  serverCredentials: setVariables('SOLSUB_API_KEY'),
  upstreamVariable: 'SOLSUB_URL',
  needsEmulator: (env) => !env.SOLSUB_URL,
  async startEmulator({ port, latencyMs }) {
    const { createDemoSolsubEmulator, DEMO_CLUSTERS } = await import('../../emulators/solsub/index.ts');
    const emulator = createDemoSolsubEmulator({ latencyMs });
    const url = await emulator.listen(port);
    return { emulator, env: { SOLSUB_URL: url, SOLSUB_API_KEY: DEMO_CLUSTERS.admin.key } };
  },
  async subgraph(env) {
    const [{ solsubConfigFromEnv }, { createSolsubSubgraph }] = await Promise.all([
      import('../../subgraphs/solsub/config.ts'),
      import('../../subgraphs/solsub/subgraph.ts'),
    ]);
    return createSolsubSubgraph(solsubConfigFromEnv(env), { env });
  },
});
