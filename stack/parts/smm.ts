import { readFileSync } from 'node:fs';
import { SMM_KEY_HEADER_PREFIX } from '../../subgraphs/smm/headers.ts';
import { definePart } from '../part.ts';

/** Whether the configured provider list carries any key (unreadable or malformed counts as yes). */
function smmProvidersHaveKeys(env: NodeJS.ProcessEnv): boolean {
  let json = env.SMM_PROVIDERS;
  if (env.SMM_PROVIDERS_FILE) {
    try {
      json = readFileSync(env.SMM_PROVIDERS_FILE, 'utf8');
    } catch {
      return true; // unreadable here: assume the worst
    }
  }
  if (!json) return false;
  try {
    const providers = JSON.parse(json) as unknown;
    return (
      !Array.isArray(providers) ||
      providers.some((p) => typeof p !== 'object' || p === null || Boolean((p as { key?: unknown }).key))
    );
  } catch {
    return true;
  }
}

export const smmPart = definePart({
  name: 'smm',
  defaultPort: 4003,
  schemaUrl: new URL('../../subgraphs/smm/schema.graphql', import.meta.url),
  callerHeaders: { prefix: SMM_KEY_HEADER_PREFIX },
  serverCredentials: (env) =>
    smmProvidersHaveKeys(env) ? [env.SMM_PROVIDERS_FILE ? 'SMM_PROVIDERS_FILE' : 'SMM_PROVIDERS'] : [],
  upstreamVariable: 'SMM_PROVIDERS',
  needsEmulator: (env) => !env.SMM_PROVIDERS && !env.SMM_PROVIDERS_FILE,
  async startEmulator({ port, latencyMs }) {
    const { createDemoSmmEmulator, DEMO_PANELS } = await import('../../emulators/smm/index.ts');
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
  async subgraph(env) {
    const [{ smmConfigFromEnv }, { createSmmSubgraph }] = await Promise.all([
      import('../../subgraphs/smm/config.ts'),
      import('../../subgraphs/smm/subgraph.ts'),
    ]);
    return createSmmSubgraph(smmConfigFromEnv(env), { env });
  },
});
