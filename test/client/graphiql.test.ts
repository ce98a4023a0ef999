import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { graphiql } from '../../gateway/graphiql.ts';

let dir: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'graphiql-'));
  const app = express();
  app.use('/graphiql', graphiql(dir));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env.NODE_ENV;
});

const get = async (path: string) => {
  const res = await request(`${base}${path}`);
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
};

describe('the gateway’s self-hosted GraphiQL (/graphiql)', () => {
  it('says how to build the bundle when it is missing', async () => {
    const r = await get('/graphiql/');
    expect(r.status).toBe(503);
    expect(r.body).toBe('GraphiQL is not built yet: run `npm run build:graphiql`, then reload this page.\n');
  });

  it('serves the built page and its assets, picked up without a restart', async () => {
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>GraphiQL</title>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');

    const redirect = await get('/graphiql');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/graphiql/');

    const page = await get('/graphiql/');
    expect(page.status).toBe(200);
    expect(page.body).toBe('<!doctype html><title>GraphiQL</title>');
    expect(page.headers['cache-control']).toBe('no-cache');

    const asset = await get('/graphiql/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    const missing = await get('/graphiql/assets/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.body).toBe('Not found\n');
  });

  it('is off in production, like introspection', async () => {
    process.env.NODE_ENV = 'production';
    const r = await get('/graphiql/');
    expect(r.status).toBe(404);
    expect(r.body).toMatch(/off in production/);
  });
});
