import { describe, expect, it } from 'vitest';
import { benchOptions, runBench, type BenchResult, type ScenarioId } from '../../bench/run.ts';
import { parts } from '../../stack/parts/index.ts';

const SCENARIOS: ScenarioId[] = ['overhead', 'batching', 'fanout', 'memory', 'peer'];

describe('npm run bench -- --smoke', () => {
  // BENCH_UPSTREAMS=process puts the emulators in a child process: the counts of upstream calls
  // then come over IPC, and must be the same as with the emulators in the bench's own process.
  // The second run also has our gateway call its subgraphs over HTTP (BENCH_TRANSPORT=http).
  it.each([
    ['in-process', 'local'],
    ['process', 'http'],
  ] as const)(
    'runs every scenario and reports positive figures (upstreams %s, subgraph transport %s)',
    { timeout: 90_000 },
    async (where, transport) => {
      const opts = {
        ...benchOptions(['--smoke'], { BENCH_UPSTREAMS: where, BENCH_TRANSPORT: transport }),
        log: () => {},
      };
      const result: BenchResult = await runBench(opts);
      expect(result.meta.upstreams).toBe(where);
      expect(result.meta.transport).toBe(transport);

      expect(result.runs.map((r) => r.emulatorLatencyMs)).toEqual([0]);
      const [run] = result.runs;
      expect(run!.scenarios.map((s) => s.id)).toEqual(SCENARIOS);
      for (const s of run!.scenarios) {
        if (s.id === 'memory') {
          expect(s.memory!.length).toBeGreaterThanOrEqual(5);
          for (const m of s.memory!) {
            expect(m.rssMb).toBeGreaterThan(0);
            expect(m.heapUsedMb).toBeGreaterThan(0);
          }
          continue;
        }
        expect(s.rows.length).toBeGreaterThan(0);
        for (const row of s.rows) {
          expect({ id: row.id, failed: row.errors + row.bad }).toEqual({ id: row.id, failed: 0 });
          expect(row.samples).toBeGreaterThan(0);
          expect(row.p50Ms).toBeGreaterThan(0);
          expect(row.p99Ms).toBeGreaterThanOrEqual(row.p50Ms);
          expect(row.rps).toBeGreaterThan(0);
          expect(row.sent).toBeGreaterThanOrEqual(row.samples);
          if (row.cpuMsPerOp !== undefined) expect(row.cpuMsPerOp).toBeGreaterThan(0);
          for (const n of Object.values(row.upstreamCallsUnderLoad ?? {}))
            expect(Number.isFinite(n)).toBe(true);
          if (row.role === 'subject') expect(row.ratios.length).toBeGreaterThan(0);
          for (const r of row.ratios) {
            expect(r.p50).toBeGreaterThan(0);
            expect(r.rps).toBeGreaterThan(0);
          }
        }
      }

      const rows = new Map(run!.scenarios.flatMap((s) => s.rows.map((r) => [r.id, r] as const)));
      expect(rows.get('batching/gateway')!.upstreamCalls).toEqual({ smm: 3 });
      expect(rows.get('batching/rest-minimum')!.upstreamCalls).toEqual({ smm: 3 });
      expect(rows.get('batching/rest-naive-seq')!.upstreamCalls).toEqual({ smm: 250 });
      expect(rows.get('overhead/gateway/c1')!.upstreamCalls).toEqual({ smm: 1 });

      // the dashboard reaches every subgraph the stack runs, each upstream as often as the REST client does
      const fanout = run!.scenarios.find((s) => s.id === 'fanout')!;
      const everyPart = parts.map((p) => p.name).sort();
      expect(Object.keys(rows.get('fanout/gateway')!.upstreamCalls).sort()).toEqual(everyPart);
      expect(rows.get('fanout/gateway')!.upstreamCalls).toEqual(rows.get('fanout/rest-seq')!.upstreamCalls);
      expect(fanout.notes.filter((n) => n.includes('left out'))).toEqual([]);
    },
  );
});
