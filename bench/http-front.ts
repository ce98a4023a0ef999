// What Express costs per request over plain node:http, for issue 13's third direction (serve
// /graphql from node:http). The gateway's /graphql is an Express app whose JSON body is read by
// express.json; the question is how much of a request's CPU that framework is. Both servers here
// run in this process and do the same work: a middleware in front (as the gateway's CORS check),
// the JSON body read under a size cap and parsed, a small JSON answer written with res.end (as the
// gateway's sendAnswer). The load comes from the bench's load worker (a child process), so the CPU
// measured is the server's alone. Rounds alternate between the two servers so both meet the same
// noise; the figure to read is the difference and the ratio, not the absolute microseconds.
//   npx tsx bench/http-front.ts          (HTTP_FRONT_ROUNDS=6, HTTP_FRONT_SECONDS=2)
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { LoadWorker, percentile } from './load.ts';
import { gqlHttpCall } from './ops.ts';

const rounds = Number(process.env.HTTP_FRONT_ROUNDS ?? 6);
const seconds = Number(process.env.HTTP_FRONT_SECONDS ?? 2);
const LIMIT = 100_000;
const ANSWER = JSON.stringify({ data: { smmOrder: { id: '1', status: 'IN_PROGRESS', remains: 10 } } });

function expressFront(): Server {
  const app = express();
  app.disable('x-powered-by');
  app.use((_req, _res, next) => next());
  app.use('/graphql', express.json({ limit: LIMIT }), (req, res) => {
    if (typeof (req.body as { query?: unknown }).query !== 'string') return void res.status(400).end();
    res.status(200).setHeader('content-type', 'application/json; charset=utf-8');
    res.end(ANSWER);
  });
  return createServer(app);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!req.headers['content-type']?.startsWith('application/json')) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > LIMIT) return undefined;
    chunks.push(c);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

function plainFront(): Server {
  return createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/graphql') return void res.writeHead(404).end();
    void readJson(req).then(
      (body) => {
        if (typeof (body as { query?: unknown } | undefined)?.query !== 'string')
          return void res.writeHead(400).end();
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(ANSWER);
      },
      () => res.writeHead(400).end(),
    );
  });
}

const listen = (s: Server) =>
  new Promise<string>((r) =>
    s.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(s.address() as AddressInfo).port}/graphql`)),
  );

const servers = { express: expressFront(), 'node:http': plainFront() };
const urls = { express: await listen(servers.express), 'node:http': await listen(servers['node:http']) };
const load = new LoadWorker();
const cpu: Record<string, number[]> = { express: [], 'node:http': [] };
const ratios: number[] = [];
try {
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 ? (['node:http', 'express'] as const) : (['express', 'node:http'] as const);
    const round: Record<string, number> = {};
    for (const name of order) {
      const r = await load.run({
        kind: 'autocannon',
        call: gqlHttpCall(urls[name], '{ smmOrder(id: "1") { id status } }'),
        connections: 1,
        durationS: seconds,
        warmupS: 0.5,
      });
      if (r.errors > 0 || r.bad > 0 || r.cpuMsPerOp === undefined)
        throw new Error(`${name}: failed requests`);
      round[name] = r.cpuMsPerOp * 1000;
      cpu[name]!.push(round[name]);
    }
    ratios.push(round.express! / round['node:http']!);
    if (process.env.HTTP_FRONT_VERBOSE) process.stdout.write(`${JSON.stringify(round)}\n`);
  }
} finally {
  await load.stop();
  for (const s of Object.values(servers)) s.close();
}
const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
const e = median(cpu.express!);
const p = median(cpu['node:http']!);
process.stdout.write(
  `server CPU µs per request, concurrency 1, ${rounds} alternating rounds of ${seconds} s (median):\n` +
    `  express:   ${e.toFixed(1)}\n  node:http: ${p.toFixed(1)}\n` +
    `  difference ${(e - p).toFixed(1)} µs; express ÷ node:http, median of rounds ${median(ratios).toFixed(2)}\n`,
);
