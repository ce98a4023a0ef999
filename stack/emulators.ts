import type { Emulator } from '../emulators/shared/emulator.ts';
import { listening } from '../lib/config.ts';
import type { StackPart } from './part.ts';
import { portVar } from './ports.ts';

// Apart from stack/index.ts so that `npm start`'s primary process (WORKERS > 1), which runs
// only the emulators, does not load the gateway and its libraries.

export interface StartedEmulators {
  emulators: Partial<Record<StackPart['name'], Emulator>>;
  /** what points each subgraph at its emulator: URLs and the emulators' demo credentials */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts the emulator of every part `env` names no real upstream for (all with `force`), on
 * loopback; `portOf` chooses each one's port (0: a free one).
 */
export async function startEmulators(opts: {
  parts: StackPart<string>[];
  env: NodeJS.ProcessEnv;
  portOf: (part: StackPart<string>) => number;
  latencyMs?: number;
  force?: boolean;
}): Promise<StartedEmulators> {
  const emulators: StartedEmulators['emulators'] = {};
  const env: Record<string, string> = {};
  const close = async () => {
    for (const e of Object.values(emulators).reverse()) await e!.close().catch(() => {});
  };
  try {
    for (const part of opts.parts) {
      if (opts.force || part.needsEmulator(opts.env)) {
        const port = opts.portOf(part);
        const started = await listening(portVar('emulator', part), port, '127.0.0.1', () =>
          part.startEmulator({ port, latencyMs: opts.latencyMs }),
        );
        // a part outside the registry (a test's extra API) is kept under its own name too
        (emulators as Record<string, Emulator>)[part.name] = started.emulator;
        Object.assign(env, started.env);
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { emulators, env, close };
}
