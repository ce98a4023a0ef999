import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { parse as legacyParse } from 'node:url';
import express from 'express';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import { searchOf, sendAnswer } from '../../lib/graphql-http.ts';

// Apollo Server reads GET parameters with URLSearchParams from the search that
// @as-integrations/express5 took from url.parse: ours must give the same parameters.
const targets = [
  '/graphql',
  '/graphql?',
  '/graphql?query={a}',
  '/graphql?query=%7Ba%7D&variables=%7B%22id%22%3A1%7D',
  '/graphql?query=query%20Q{x(a:"b c")}&operationName=Q',
  "/graphql?query={x(a:'<>^|`\\')}",
  '/graphql?a=1+2&b=%2B#frag?x=1',
  '/graphql?extensions={"persistedQuery":{"version":1,"sha256Hash":"abc"}}',
  '/graphql?q=ü&r=%C3%BC',
  '/graphql#only-a-fragment',
];

describe('searchOf', () => {
  it.each(targets)('gives Apollo the parameters url.parse gave it: %s', (target) => {
    const ours = [...new URLSearchParams(searchOf(target))];
    const legacy = [...new URLSearchParams(legacyParse(target).search ?? '')];
    expect(ours).toEqual(legacy);
  });
});

describe('sendAnswer', () => {
  // what Apollo hands over for one operation, answered once by sendAnswer and once by res.send
  const answer = (status = 200): HTTPGraphQLResponse => ({
    status,
    headers: new HeaderMap([
      ['content-type', 'application/json; charset=utf-8'],
      ['cache-control', 'no-store'],
    ]),
    body: { kind: 'complete', string: '{"data":{"ü":"é"}}\n' },
  });

  async function serve(): Promise<{ url: string; close: () => Promise<void> }> {
    const app = express();
    app.disable('x-powered-by');
    app.all('/ours', (_req, res) => void sendAnswer(res, answer(Number(_req.query.status ?? 200))));
    app.all('/send', (_req, res) => {
      const a = answer(Number(_req.query.status ?? 200));
      for (const [k, v] of a.headers) res.setHeader(k, v);
      res.status(a.status!).send((a.body as { string: string }).string);
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  }

  const raw = async (url: string, method: string) => {
    const res = await request(url, { method, body: method === 'POST' ? '{}' : undefined });
    const headers = Object.entries(res.headers).filter(([k]) => k !== 'date' && k !== 'etag');
    return { status: res.statusCode, headers, etag: res.headers.etag, body: await res.body.text() };
  };

  it('answers a POST with the status, headers and bytes of res.send, without its ETag', async () => {
    const s = await serve();
    try {
      for (const status of ['200', '400', '500']) {
        const ours = await raw(`${s.url}/ours?status=${status}`, 'POST');
        const send = await raw(`${s.url}/send?status=${status}`, 'POST');
        expect(send.etag).toBeDefined();
        expect(ours.etag).toBeUndefined();
        expect({ ...ours, etag: undefined }).toEqual({ ...send, etag: undefined });
      }
    } finally {
      await s.close();
    }
  });

  it('leaves a GET answer, which a client may revalidate, to res.send and its ETag', async () => {
    const s = await serve();
    try {
      const ours = await raw(`${s.url}/ours`, 'GET');
      const send = await raw(`${s.url}/send`, 'GET');
      expect(ours.etag).toBeDefined();
      expect(ours).toEqual(send);
    } finally {
      await s.close();
    }
  });
});
