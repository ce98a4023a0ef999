// Loaded into every process of `npm start` by the soak (NODE_OPTIONS=--import): on SIGUSR2 each
// one writes what only V8 can tell (heap used and reserved, code space, memory outside the heap)
// to MEMORY_PROBE_DIR/<pid>.json, for the soak's per-process breakdown. Plain JavaScript: npm
// start runs compiled code without a TypeScript loader.
/* global process */
import cluster from 'node:cluster';
import { writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const dir = process.env.MEMORY_PROBE_DIR;
if (dir)
  process.on('SIGUSR2', () => {
    const m = process.memoryUsage();
    const code = getHeapSpaceStatistics()
      .filter((s) => s.space_name.startsWith('code'))
      .reduce((a, s) => a + s.space_used_size, 0);
    const report = {
      pid: process.pid,
      role: cluster.isWorker ? 'worker' : 'primary',
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      code,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
    };
    writeFileSync(`${dir}/${process.pid}.json`, JSON.stringify(report));
  });
