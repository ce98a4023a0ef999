import { SOLMATE_AUTH_HEADER } from '../../subgraphs/solmate/headers.ts';
import { definePart, setVariables } from '../part.ts';

export const solmatePart = definePart({
  name: 'solmate',
  defaultPort: 4001,
  schemaUrl: new URL('../../subgraphs/solmate/schema.graphql', import.meta.url),
  callerHeaders: { names: [SOLMATE_AUTH_HEADER] },
  serverCredentials: setVariables('SOLMATE_USER', 'SOLMATE_PASSWORD'),
  upstreamVariable: 'SOLMATE_URL',
  needsEmulator: (env) => !env.SOLMATE_URL,
  async startEmulator({ port, latencyMs }) {
    const { createSolmateEmulator, demoSolmateEnv } = await import('../../emulators/solmate/index.ts');
    const emulator = createSolmateEmulator({ latencyMs });
    const url = await emulator.listen(port);
    return { emulator, env: demoSolmateEnv(url) };
  },
  async subgraph(env) {
    const [{ solmateConfigFromEnv }, { createSolmateSubgraph }] = await Promise.all([
      import('../../subgraphs/solmate/config.ts'),
      import('../../subgraphs/solmate/subgraph.ts'),
    ]);
    return createSolmateSubgraph(solmateConfigFromEnv(env), { env });
  },
});
