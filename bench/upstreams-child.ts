// The bench's upstreams in a process of their own (BENCH_UPSTREAMS=process): every registered
// API's emulator on a free loopback port, driven by the bench over the IPC channel
// (bench/upstreams.ts). Exits with its parent.
import './env.ts';
import type { Emulator } from '../emulators/shared/emulator.ts';
import { startEmulators } from '../stack/emulators.ts';
import { parts } from '../stack/parts/index.ts';
import { seedOn, type UpstreamsAnswer, type UpstreamsReady, type UpstreamsRequest } from './upstreams.ts';

if (!process.send) throw new Error('upstreams-child.ts runs as a forked child of the bench');

const started = await startEmulators({ parts, env: {}, portOf: () => 0, latencyMs: 0, force: true });
const emulators = started.emulators as Record<string, Emulator>;
const urls = Object.fromEntries(Object.entries(emulators).map(([name, e]) => [name, e.url]));

const all = () => Object.entries(emulators);
const handlers: { [K in UpstreamsRequest['op']]: (r: Extract<UpstreamsRequest, { op: K }>) => unknown } = {
  received: () =>
    Object.fromEntries(
      all()
        .filter(([, e]) => e.received > 0)
        .map(([n, e]) => [n, e.received]),
    ),
  clear: () => {
    for (const [, e] of all()) e.clearRequests();
  },
  latency: ({ ms }) => {
    for (const [, e] of all()) e.latencyMs = ms;
  },
  seed: ({ n }) => seedOn(emulators.smm, n),
};

process.on('message', (req: UpstreamsRequest) => {
  let answer: UpstreamsAnswer;
  try {
    const value = (handlers[req.op] as (r: UpstreamsRequest) => unknown)(req);
    answer = { id: req.id, ok: true, value: value ?? null };
  } catch (err) {
    answer = { id: req.id, ok: false, error: (err as Error).message };
  }
  process.send!(answer);
});

const stop = async () => {
  await started.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
// the bench died without closing us: nobody will ever ask again
process.on('disconnect', () => void stop());

process.send({ ready: true, env: started.env, urls } satisfies UpstreamsReady);
