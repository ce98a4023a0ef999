// What the gateway answers when a subgraph gives no answer of its own: a replica killed with the
// fetch in flight (the connection is cut), a load balancer's 502 for it, nothing listening. A
// mutation cut after it was sent may have spent money: OUTCOME_UNKNOWN, never "fetch failed"
// (test/scale/topology.e2e.ts meets these for real, behind HAProxy).
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../gateway/server.ts';
import type { RunningService } from '../../lib/listen.ts';
import { freePort } from '../helpers/process.ts';
import { gql } from '../helpers/stack.ts';

const MUTATION = `mutation {
  smmAddOrder(provider: "sosyal", input: { service: "1", link: "https://instagram.com/p/x", quantity: 100 }, idempotencyKey: "cut-1") {
    order { id }
  }
}`;
const READ = '{ smmServices(provider: "sosyal") { id } }';

let cutter: Server;
let proxy: HttpServer;
const gateways: Record<string, RunningService> = {};
const targets: Record<string, string> = {};

beforeAll(async () => {
  // reads the request, then drops the connection: a replica SIGKILLed mid-request
  cutter = createServer((socket) => socket.once('data', () => socket.destroy()));
  await new Promise<void>((r) => cutter.listen(0, '127.0.0.1', r));
  // a load balancer whose server died under the request
  proxy = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  targets.cut = `http://127.0.0.1:${(cutter.address() as { port: number }).port}/graphql`;
  targets['502'] = `http://127.0.0.1:${(proxy.address() as { port: number }).port}/graphql`;
  targets.refused = `http://127.0.0.1:${await freePort()}/graphql`;
  for (const [name, url] of Object.entries(targets))
    gateways[name] = await startGateway({
      secret: 'cut-secret-0123456789',
      port: 0,
      subgraphUrls: { smm: url },
    });
});
afterAll(async () => {
  for (const g of Object.values(gateways)) await g.close();
  await new Promise((r) => cutter.close(r));
  await new Promise((r) => proxy.close(r));
});

describe.each([
  ['cut', 'OUTCOME_UNKNOWN', undefined],
  ['502', 'OUTCOME_UNKNOWN', undefined],
  ['refused', 'UPSTREAM_UNAVAILABLE', false],
] as const)('a subgraph fetch that was %s', (name, mutationCode, sent) => {
  it(`answers a mutation ${mutationCode}${sent === false ? ', nothing sent' : ''}`, async () => {
    const r = await gql(gateways[name]!.url, MUTATION);
    expect(r.errors).toHaveLength(1);
    const e = r.errors![0]!;
    expect(e.extensions?.code).toBe(mutationCode);
    expect(e.extensions?.sent).toBe(sent);
    expect(e.message).toContain('smm subgraph');
    // neither the subgraph's address nor a proxy's page reaches the caller
    expect(r.raw).not.toContain(targets[name]!);
    expect(r.raw).not.toContain('<html>');
  });

  it('answers a read UPSTREAM_UNAVAILABLE', async () => {
    const r = await gql(gateways[name]!.url, READ);
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(r.raw).not.toContain(targets[name]!);
  });
});
