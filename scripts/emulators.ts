// `npm run emulators [-- <api> ...] [--env-json <file>]`: the emulated upstreams alone, for
// trying the split or replicated shapes on one machine. Ports: <API>_EMULATOR_PORT (4101..4104),
// PORT=0 for free ones. --env-json writes the variables that point each subgraph at its emulator
// (URLs and the emulators' demo credentials) as one JSON object.
import { writeFileSync } from 'node:fs';
import { ConfigError, runMain } from '../lib/config.ts';
import { logger } from '../lib/logger.ts';
import { exitOnSignals } from '../lib/shutdown.ts';
import { startEmulators } from '../stack/emulators.ts';
import { parts } from '../stack/parts/index.ts';
import { stackPortsFromEnv } from '../stack/ports.ts';

await runMain('emulators', async () => {
  const args = process.argv.slice(2);
  const at = args.indexOf('--env-json');
  const envFile = at >= 0 ? args[at + 1] : undefined;
  if (at >= 0 && !envFile) throw new ConfigError('--env-json', 'needs a file name');
  const names = args.filter((a, i) => !a.startsWith('--') && (at < 0 || i !== at + 1));
  const unknown = names.find((n) => !parts.some((p) => p.name === n));
  if (unknown)
    throw new ConfigError(
      'emulator name',
      `unknown "${unknown}" (known: ${parts.map((p) => p.name).join(', ')})`,
    );
  const chosen = names.length ? parts.filter((p) => names.includes(p.name)) : parts;
  const ports = stackPortsFromEnv();
  // every chosen API emulated, whatever the environment says: that is what this command is for
  const started = await startEmulators({
    parts: chosen,
    env: process.env,
    portOf: (part) => ports.portOf('emulator', part),
    force: true,
  });
  for (const [name, emu] of Object.entries(started.emulators))
    logger.info({ api: name, url: emu.url }, `${name} emulator`);
  if (envFile) writeFileSync(envFile, JSON.stringify(started.env));
  logger.info({ apis: chosen.map((p) => p.name) }, 'emulators ready');
  exitOnSignals(() => started.close());
});
