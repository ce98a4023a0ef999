import type { BenchResult, Row, Scenario } from './run.ts';

const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const rate = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const times = (n: number) => (n >= 10 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toFixed(3));

const perApi = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([api, n]) => `${api} ${n}`)
    .join(', ') || '0';

/** Upstream calls of one operation, and under load when that differs by more than 5 %. */
function calls(row: Row): string {
  const one = perApi(row.upstreamCalls);
  const load = row.upstreamCallsUnderLoad;
  if (!load) return one;
  const apis = new Set([...Object.keys(row.upstreamCalls), ...Object.keys(load)]);
  const differs = [...apis].some((a) => {
    const x = row.upstreamCalls[a] ?? 0;
    return Math.abs((load[a] ?? 0) - x) > 0.05 * Math.max(x, 1);
  });
  return differs ? `${one} (under load: ${perApi(load)})` : one;
}

function ratios(row: Row, labels: Map<string, string>): string {
  return row.ratios
    .map((r) => `vs ${labels.get(r.vs) ?? r.vs}: p50 ×${times(r.p50)}, req/s ×${times(r.rps)}`)
    .join('<br>');
}

function table(s: Scenario, labels: Map<string, string>): string[] {
  const out = [
    '| variant | conc. | n | p50 ms | p99 ms | req/s | stack CPU ms/op | calls/op (client → upstream) | ratio (this ÷ reference) |',
    '|---|--:|--:|--:|--:|--:|--:|---|---|',
  ];
  for (const r of s.rows) {
    const flag = r.errors + r.bad > 0 ? ` ⚠ ${r.errors + r.bad} failed` : '';
    const name = r.role === 'reference' ? `${r.label} *(reference)*` : `**${r.label}**`;
    out.push(
      `| ${name}${flag} | ${r.concurrency} | ${r.samples} | ${ms(r.p50Ms)} | ${ms(r.p99Ms)} | ${rate(r.rps)} | ${r.cpuMsPerOp === undefined ? '–' : ms(r.cpuMsPerOp)} | ${r.clientCalls} → ${calls(r)} | ${ratios(r, labels)} |`,
    );
  }
  return out;
}

/** Short names for ratio columns ("REST c1", "our gateway c64"). */
function shortLabel(id: string): string {
  const [scenario, who, conc] = id.split('/');
  const names: Record<string, string> = {
    rest: 'REST',
    subgraph: 'subgraph alone',
    gateway: 'our gateway',
    'rest-naive-seq': 'naive sequential',
    'rest-naive-par': 'naive parallel',
    'rest-minimum': 'minimum',
    'rest-seq': 'REST sequential',
    'rest-par': 'REST parallel',
    'hive-overhead': 'Hive',
    'hive-dedupe': 'Hive (sharing)',
  };
  const base = names[who ?? ''] ?? who ?? id;
  return scenario === 'overhead' && conc ? `${base} ${conc}` : base;
}

export function renderMarkdown(r: BenchResult): string {
  const m = r.meta;
  const lines = [
    `# Benchmark results${m.smoke ? ' (smoke run: figures too short to quote)' : ''}`,
    '',
    `- Date: ${m.date}; Node ${m.node}; ${m.platform}`,
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB memory`,
    `- Each measurement: ${m.warmupS} s warm-up, then ${m.durationS} s (composite operations: at least a few samples)`,
    `- Subgraphs: ${m.subgraphs.join(', ')}; supergraph: ${m.supergraph}`,
    ...m.notes.map((n) => `- ${n}`),
    '- Command: `npm run bench` (whole run took ' + `${r.elapsedS} s)`,
    '',
  ];
  for (const run of r.runs) {
    lines.push(`## Emulator latency ${run.emulatorLatencyMs} ms`, '');
    const labels = new Map<string, string>();
    for (const s of run.scenarios) for (const row of s.rows) labels.set(row.id, shortLabel(row.id));
    for (const s of run.scenarios) {
      lines.push(`### ${s.title}`, '');
      if (s.memory) {
        lines.push('| after | RSS MB | heap used MB |', '|---|--:|--:|');
        for (const p of s.memory) lines.push(`| ${p.after} | ${p.rssMb} | ${p.heapUsedMb} |`);
      } else {
        lines.push(...table(s, labels));
      }
      if (s.notes.length) lines.push('', ...s.notes.map((n) => `- ${n}`));
      lines.push('');
    }
  }
  return `${lines.join('\n')}\n`;
}
