// Summarises a V8 .cpuprofile: where the time went, split into our code, each library, and Node.
//   npx tsx bench/analyze-profile.ts <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Where a frame's code lives: `ours`, a package name, `node`, or a V8 pseudo-frame. */
export function ownerOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : 'native';
  if (url.startsWith('node:')) return 'node';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  return path.startsWith(ROOT) ? 'ours' : 'other';
}

const where = (url: string) => {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.startsWith(ROOT) ? path.slice(ROOT.length) : path;
};

export interface FnCost {
  fn: string;
  at: string;
  owner: string;
  selfMs: number;
  totalMs: number;
}

export interface ProfileSummary {
  sampledMs: number;
  byOwner: Array<{ owner: string; selfMs: number }>;
  ours: FnCost[];
  /** library functions whose inclusive time is highest when called from our code */
  hottest: FnCost[];
}

export function summariseProfile(p: CpuProfile): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n: ProfileNode) =>
    `${n.callFrame.functionName || '(anonymous)'}|${n.callFrame.url}|${n.callFrame.lineNumber + 1}`;
  const costs = new Map<string, FnCost>();
  const cost = (n: ProfileNode) => {
    const k = keyOf(n);
    let c = costs.get(k);
    if (!c) {
      const { functionName, url, lineNumber } = n.callFrame;
      c = {
        fn: functionName || '(anonymous)',
        at: url ? `${where(url)}:${lineNumber + 1}` : '',
        owner: ownerOf(url, functionName),
        selfMs: 0,
        totalMs: 0,
      };
      costs.set(k, c);
    }
    return c;
  };
  const owners = new Map<string, number>();
  let sampled = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const ms = (p.timeDeltas[i] ?? 0) / 1000;
    sampled += ms;
    let node = byId.get(p.samples[i]!);
    if (!node) continue;
    const self = cost(node);
    self.selfMs += ms;
    owners.set(self.owner, (owners.get(self.owner) ?? 0) + ms);
    // inclusive time: once per distinct function on the stack (recursion counted once)
    const seen = new Set<FnCost>();
    while (node) {
      const c = cost(node);
      if (!seen.has(c)) {
        seen.add(c);
        c.totalMs += ms;
      }
      const up = parent.get(node.id);
      node = up === undefined ? undefined : byId.get(up);
    }
  }
  const all = [...costs.values()];
  return {
    sampledMs: sampled,
    byOwner: [...owners.entries()]
      .map(([owner, selfMs]) => ({ owner, selfMs }))
      .sort((a, b) => b.selfMs - a.selfMs),
    ours: all.filter((c) => c.owner === 'ours').sort((a, b) => b.totalMs - a.totalMs),
    hottest: all.filter((c) => c.owner !== 'ours').sort((a, b) => b.selfMs - a.selfMs),
  };
}

const pct = (ms: number, of: number) => `${((100 * ms) / of).toFixed(1)}%`;

export function printSummary(
  s: ProfileSummary,
  top = 25,
  write = (t: string) => process.stdout.write(t),
): void {
  const out: string[] = [`sampled ${(s.sampledMs / 1000).toFixed(1)} s`, '', 'self time by owner:'];
  for (const o of s.byOwner.slice(0, top))
    out.push(`  ${pct(o.selfMs, s.sampledMs).padStart(6)}  ${o.owner}`);
  out.push('', 'our functions by inclusive time (self in brackets):');
  for (const c of s.ours.slice(0, top)) {
    out.push(
      `  ${pct(c.totalMs, s.sampledMs).padStart(6)} (${pct(c.selfMs, s.sampledMs)})  ${c.fn}  ${c.at}`,
    );
  }
  out.push('', 'hottest other functions by self time:');
  for (const c of s.hottest.slice(0, top)) {
    out.push(`  ${pct(c.selfMs, s.sampledMs).padStart(6)}  ${c.fn}  [${c.owner}] ${c.at}`);
  }
  write(`${out.join('\n')}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: tsx bench/analyze-profile.ts <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  printSummary(
    summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile),
    Number(process.argv[3] ?? 25),
  );
}
