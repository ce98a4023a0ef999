// What Express costs per request over plain node:http, for issue 13's third direction (serve
// /graphql from node:http). The gateway's /graphql is an Express app whose JSON body is read by
// express.json; the question is how much of a request's CPU that framework is. The servers here
// run in this process and do the same work: a middleware in front (as the gateway's CORS check),
// the JSON body read under a size cap and parsed, a small JSON answer written with res.end (as the
// gateway's sendAnswer), or with res.send (as before 4e781ae: the ETag hash). The load comes from
// the bench's load worker (a child process), so the CPU measured is the server's alone. Each round
// measures every server, starting with another one each time, so all meet the same noise; the
// figures to read are the differences and ratios, not the absolute microseconds.
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

/**
 * `send`: answer with res.send, as the gateway did before 4e781ae: Express then hashes the body
 * for a weak ETag and re-reads its content type; the gateway now writes a POST's answer with
 * res.end (GET answers keep res.send and their ETag).
 */
function expressFront(answer: 'end' | 'send'): Server {
  const app = express();
  app.disable('x-powered-by');
  app.use((_req, _res, next) => next());
  app.use('/graphql', express.json({ limit: LIMIT }), (req, res) => {
    if (typeof (req.body as { query?: unknown }).query !== 'string') return void res.status(400).end();
    res.status(200).setHeader('content-type', 'application/json; charset=utf-8');
    if (answer === 'send') res.send(ANSWER);
    else res.end(ANSWER);
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

const servers = {
  'node:http': plainFront(),
  express: expressFront('end'),
  'express, res.send': expressFront('send'),
};
type Front = keyof typeof servers;
const names = Object.keys(servers) as Front[];
const urls = {} as Record<Front, string>;
for (const name of names) urls[name] = await listen(servers[name]);
const load = new LoadWorker();
/** each front's CPU µs per request, and its ratio to node:http's in the same round */
const cpu = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Front, number[]>;
const ratios = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Front, number[]>;
try {
  for (let i = 0; i < rounds; i++) {
    // each round starts with another front, so none always runs first
    const order = names.map((_, k) => names[(i + k) % names.length]!);
    const round = {} as Record<Front, number>;
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
      cpu[name].push(round[name]);
    }
    for (const name of names) ratios[name].push(round[name] / round['node:http']);
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
const base = median(cpu['node:http']);
process.stdout.write(
  `server CPU µs per request, concurrency 1, ${rounds} rounds of ${seconds} s, medians:\n` +
    names
      .map(
        (n) =>
          `  ${n.padEnd(18)} ${median(cpu[n]).toFixed(1).padStart(6)}  (+${(median(cpu[n]) - base).toFixed(1)} over node:http;` +
          ` ÷ node:http, median of rounds ${median(ratios[n]).toFixed(2)})\n`,
      )
      .join(''),
);
