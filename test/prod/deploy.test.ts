// The deployment files that cannot run on these machines (Docker, Apollo Router, rover) are
// checked against the code instead: every file they copy exists, every command they run is a
// package.json script, every variable they set is documented, and every subgraph, URL and header
// they name matches what our own gateway does (values derived from the code, not repeated here).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GATEWAY_SECRET_HEADER } from '../../lib/secret.ts';
import { isCallerHeader } from '../../stack/part.ts';
import { parts } from '../../stack/parts/index.ts';
import { subgraphUrlVar } from '../../stack/ports.ts';
import { ROOT } from '../helpers/process.ts';

const read = (f: string) => readFileSync(new URL(f, ROOT), 'utf8');
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
const readme = read('README.md');
const documented = (v: string) => readme.includes(`\`${v}\``) || readme.includes(`\`${v}=`);
/** a command is ours when it is `npm run <script>` / `npm ci` or exactly what a script runs */
const isScript = (cmd: string) => {
  const c = cmd.trim();
  if (/^npm ci\b/.test(c) || c === 'npm cache clean --force') return true;
  const run = /^npm run ([\w:-]+)/.exec(c);
  if (run) return run[1]! in scripts;
  return Object.values(scripts).some((body) => c === body || c.startsWith(`${body} `));
};
/** the supergraph's own routing URL of each subgraph */
const supergraphUrls = Object.fromEntries(
  [...read('schema/supergraph.graphql').matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)].map(
    (m) => [m[1]!, m[2]!],
  ),
);
/** header names a caller might send: every credential header of the contract and a few others */
const CANDIDATE_HEADERS = [
  'x-solmate-authorization',
  'x-solsub-api-key',
  'x-smm-key-sosyal',
  'x-smm-key-baostar',
  'x-likenama-token',
  'authorization',
  'cookie',
  'x-smm-keys',
  'x-solsub-api-key-2',
];

describe('supergraph.yaml (rover)', () => {
  const config = parse(read('supergraph.yaml')) as {
    federation_version: string;
    subgraphs: Record<string, { routing_url: string; schema: { file: string } }>;
  };
  it('composes exactly our subgraphs from their SDL files, with the supergraph URLs', () => {
    expect(Object.keys(config.subgraphs).sort()).toEqual(parts.map((p) => p.name).sort());
    for (const p of parts) {
      const sg = config.subgraphs[p.name]!;
      expect(new URL(sg.schema.file, ROOT).href).toBe(p.schemaUrl.href);
      expect(sg.routing_url).toBe(supergraphUrls[p.name]);
    }
  });
  it('pins the federation version our composition uses', async () => {
    const { version } = JSON.parse(read('node_modules/@apollo/composition/package.json')) as {
      version: string;
    };
    expect(config.federation_version).toBe(`=${version}`);
  });
});

describe('router.yaml (Apollo Router)', () => {
  type Rule = { insert?: { name: string; value: string }; propagate?: { named?: string; matching?: string } };
  const config = parse(read('router.yaml')) as {
    override_subgraph_url: Record<string, string>;
    headers: { all: { request: Rule[] }; subgraphs: Record<string, { request: Rule[] }> };
  };
  it('points each subgraph at SUBGRAPH_URL_<API>, else the supergraph URL, as npm run gateway does', () => {
    expect(Object.keys(config.override_subgraph_url).sort()).toEqual(parts.map((p) => p.name).sort());
    for (const p of parts)
      expect(config.override_subgraph_url[p.name]).toBe(
        `\${env.${subgraphUrlVar(p)}:-${supergraphUrls[p.name]}}`,
      );
  });
  it('sends the gateway secret from SUBGRAPH_SECRET and the request id to every subgraph', () => {
    expect(config.headers.all.request).toContainEqual({
      insert: { name: GATEWAY_SECRET_HEADER, value: '${env.SUBGRAPH_SECRET}' },
    });
    expect(config.headers.all.request).toContainEqual({ propagate: { named: 'x-request-id' } });
    expect(
      config.headers.all.request.filter((r) => r.propagate && r.propagate.named !== 'x-request-id'),
    ).toEqual([]);
  });
  it('forwards to each subgraph exactly the caller headers our gateway forwards to it', () => {
    expect(Object.keys(config.headers.subgraphs).sort()).toEqual(parts.map((p) => p.name).sort());
    for (const part of parts) {
      const name = part.name;
      const forward = (h: string) => isCallerHeader(part.callerHeaders, h);
      const rules = config.headers.subgraphs[name]!.request;
      const routerForwards = (h: string) =>
        rules.some(
          (r) =>
            r.propagate?.named === h || (r.propagate?.matching && new RegExp(r.propagate.matching).test(h)),
        );
      for (const h of CANDIDATE_HEADERS) expect([name, h, routerForwards(h)]).toEqual([name, h, forward(h)]);
    }
  });
});

describe('Dockerfile', () => {
  // continuation lines joined, comments dropped
  const lines = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const arg = (l: string) => l.slice(l.indexOf(' ') + 1).trim();
  const exec = (s: string) => (s.startsWith('[') ? (JSON.parse(s) as string[]).join(' ') : s);

  it('builds from a Node 24 slim base in stages and runs as a non-root user', () => {
    const froms = lines.filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const f of froms) expect(f).toMatch(/^FROM node:24-slim\b/);
    const lastStage = lines.slice(lines.lastIndexOf(froms.at(-1)!));
    expect(lastStage.find((l) => l.startsWith('USER '))).toMatch(/^USER (?!root\b|0\b)\S+/);
  });
  it('copies only files that exist (stage outputs aside: dist/ is what npm run build writes)', () => {
    for (const l of lines.filter((x) => x.startsWith('COPY '))) {
      const words = arg(l).split(/\s+/);
      if (words[0]!.startsWith('--from=')) {
        expect(words[1]).toBe('/app/dist');
        continue;
      }
      for (const src of words.slice(0, -1))
        expect([src, existsSync(new URL(src, ROOT))]).toEqual([src, true]);
    }
  });
  it('runs only package.json scripts (or npm ci), and its health check asks /health', () => {
    const commands = [
      ...lines.filter((l) => l.startsWith('RUN ')).flatMap((l) => arg(l).split('&&')),
      ...lines.filter((l) => l.startsWith('CMD ')).map((l) => exec(arg(l))),
      ...lines
        .filter((l) => l.startsWith('HEALTHCHECK '))
        .map((l) => exec(l.slice(l.indexOf(' CMD ') + 5).trim())),
    ];
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const c of commands) expect([c, isScript(c)]).toEqual([c, true]);
    expect(read('scripts/healthcheck.ts')).toContain('/health');
    expect(scripts.healthcheck).toBe('node dist/scripts/healthcheck.js');
  });
  it('sets only documented variables', () => {
    const vars = lines
      .filter((l) => l.startsWith('ENV '))
      .flatMap((l) =>
        arg(l)
          .split(/\s+/)
          .map((kv) => kv.split('=')[0]!),
      );
    expect(vars.length).toBeGreaterThan(0);
    for (const v of vars) expect([v, documented(v)]).toEqual([v, true]);
  });
});

describe('compose.yaml', () => {
  type Service = {
    build?: string;
    image?: string;
    command?: string[];
    environment?: Record<string, string>;
    volumes?: string[];
  };
  const compose = parse(read('compose.yaml')) as { services: Record<string, Service>; volumes?: object };
  const services = compose.services;
  it('runs the gateway, every subgraph and Redis with persistence', () => {
    expect(Object.keys(services).sort()).toEqual(['gateway', 'redis', ...parts.map((p) => p.name)].sort());
    expect(services.redis!.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
    expect(services.redis!.volumes?.[0]).toMatch(/^[\w-]+:\/data$/);
  });
  it('runs package.json scripts from the Dockerfile image, each subgraph by its own name', () => {
    for (const [name, s] of Object.entries(services)) {
      if (name === 'redis') continue;
      expect(s.build).toBe('.');
      const cmd = s.command!.join(' ');
      expect([cmd, isScript(cmd)]).toEqual([cmd, true]);
      if (name !== 'gateway') expect(cmd).toBe(`${scripts.subgraph} ${name}`);
    }
    expect(services.gateway!.command!.join(' ')).toBe(scripts.gateway);
  });
  it('points the gateway at each subgraph service on the port that service listens on', () => {
    const env = services.gateway!.environment!;
    for (const p of parts) {
      const url = new URL(env[subgraphUrlVar(p)]!);
      expect(url.hostname).toBe(p.name);
      expect(url.port).toBe(services[p.name]!.environment!.PORT);
      expect(services[p.name]!.environment!.REDIS_URL).toMatch(/^redis:\/\/redis:6379/);
    }
  });
  it('sets only documented variables', () => {
    for (const s of Object.values(services))
      for (const v of Object.keys(s.environment ?? {})) expect([v, documented(v)]).toEqual([v, true]);
  });
});
