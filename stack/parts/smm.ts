import { createDemoSmmEmulator, DEMO_PANELS } from '../../emulators/smm/index.ts';
import { smmConfigFromEnv } from '../../subgraphs/smm/config.ts';
import { createSmmSubgraph } from '../../subgraphs/smm/subgraph.ts';
import type { StackPart } from '../part.ts';

export const smmPart: StackPart = {
  name: 'smm',
  defaultPort: 4003,
  schemaUrl: new URL('../../subgraphs/smm/schema.graphql', import.meta.url),
  needsEmulator: (env) => !env.SMM_PROVIDERS && !env.SMM_PROVIDERS_FILE,
  async startEmulator({ port, latencyMs }) {
    const emulator = createDemoSmmEmulator({ latencyMs });
    const url = await emulator.listen(port);
    const providers = DEMO_PANELS.map((p) => ({
      id: p.id,
      name: p.id === 'sosyal' ? 'Sosyal (emulated, form, USD)' : 'Baostar (emulated, JSON, VND)',
      url: `${url}/${p.id}/api/v2`,
      key: p.key,
      encoding: p.quirks.includes('jsonOnly') ? 'json' : 'form',
      currency: p.currency,
    }));
    return { emulator, env: { SMM_PROVIDERS: JSON.stringify(providers) } };
  },
  subgraph: (env) => createSmmSubgraph(smmConfigFromEnv(env), { env }),
};
