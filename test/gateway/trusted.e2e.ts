// Trusted documents: the manifest codegen writes (client/__generated__/persisted-documents.json)
// against GATEWAY_TRUSTED_DOCUMENTS=off|allow|only, with the example app's own Apollo Client
// (which sends hashes, not text) and with raw requests an attacker or another app would send.
import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createApolloClient, trustedHash } from '../../client/app/src/apollo.ts';
import {
  MatchIdStatusDocument,
  SmmProvidersDocument,
  DashboardDocument,
} from '../../client/__generated__/graphql.ts';
import { trustedDocumentResults } from '../../lib/metrics.ts';
import { ConfigError } from '../../lib/config.ts';
import { DEFAULT_MANIFEST, loadManifest, trustedSettingsFromEnv } from '../../gateway/trusted.ts';
import { solsubPart } from '../../stack/parts/solsub.ts';
import { gql } from '../helpers/stack.ts';
import { useStack } from '../helpers/use-stack.ts';

const manifest: Record<string, string> = JSON.parse(readFileSync(DEFAULT_MANIFEST, 'utf8'));
const UNLISTED = '{ matchIdStatus(matchId: "m1") { matchId state } }';
const hexOf = (id: string) => id.replace(/^sha256:/, '');
const results = async (result: string) =>
  (await trustedDocumentResults.get()).values.find((v) => v.labels.result === result)?.value ?? 0;

async function post(url: string, body: unknown) {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: res.statusCode,
    body: (await res.body.json()) as {
      data?: unknown;
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    },
  };
}

describe('the manifest codegen writes', () => {
  it('holds every operation of client/operations, each valid against the API schema once client directives go', () => {
    const schema = buildSchema(
      readFileSync(new URL('../../schema/api-schema.graphql', import.meta.url), 'utf8'),
    );
    const { byHash } = loadManifest([DEFAULT_MANIFEST.pathname]);
    expect(byHash.size).toBe(Object.keys(manifest).length);
    for (const doc of byHash.values()) expect(validate(schema, parse(doc))).toEqual([]);
    // the hash each generated document carries is a key of the manifest
    for (const d of [MatchIdStatusDocument, SmmProvidersDocument, DashboardDocument])
      expect(manifest[`sha256:${trustedHash(d)}`]).toBeDefined();
  });

  it('refuses a mode it does not know and a manifest it cannot read, naming the setting', () => {
    expect(() => trustedSettingsFromEnv({ GATEWAY_TRUSTED_DOCUMENTS: 'strict' })).toThrow(ConfigError);
    expect(() => loadManifest(['/nonexistent/manifest.json'])).toThrow(/GATEWAY_TRUSTED_DOCUMENTS_FILES/);
  });
});

describe('GATEWAY_TRUSTED_DOCUMENTS=only', () => {
  const h = useStack(undefined, { env: { GATEWAY_TRUSTED_DOCUMENTS: 'only' } });

  it("runs the example app's operations, sent by hash by its own Apollo Client", async () => {
    const before = await results('by_hash');
    const client = createApolloClient(h.stack.gatewayUrl);
    const r = await client.query({ query: SmmProvidersDocument });
    expect(r.data?.smmProviders.length).toBeGreaterThan(0);
    const s = await client.query({ query: MatchIdStatusDocument, variables: { matchId: 'ABC123' } });
    expect(s.error).toBeUndefined();
    expect(await results('by_hash')).toBe(before + 2);
  });

  it('runs a manifest document sent as GraphQL-over-HTTP documentId, and by GET', async () => {
    const [id] = Object.entries(manifest).find(([, text]) => text.includes('query SmmProviders'))!;
    const byId = await post(h.stack.gatewayUrl, { documentId: id });
    expect(byId.status).toBe(200);
    expect(byId.body.errors).toBeUndefined();
    const get = await request(`${h.stack.gatewayUrl}?documentId=${encodeURIComponent(id)}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(get.statusCode).toBe(200);
    expect(((await get.body.json()) as { errors?: unknown }).errors).toBeUndefined();
  });

  it('runs the full text of a manifest document', async () => {
    const text = Object.values(manifest).find((t) => t.startsWith('query SmmProviders'))!;
    const r = await post(h.stack.gatewayUrl, { query: text });
    expect(r.body.errors).toBeUndefined();
  });

  it('refuses any other operation before planning it, introspection included', async () => {
    const before = await results('refused');
    for (const query of [UNLISTED, '{ __schema { types { name } } }', 'mutation { x }']) {
      const r = await post(h.stack.gatewayUrl, { query });
      expect(r.status).toBe(400);
      expect(r.body.errors?.[0]?.extensions?.code).toBe('QUERY_NOT_IN_SAFELIST');
    }
    expect(await results('refused')).toBe(before + 3);
  });

  it('refuses an unknown hash, and registering a new document through APQ', async () => {
    const unknown = 'a'.repeat(64);
    const byHash = await post(h.stack.gatewayUrl, {
      extensions: { persistedQuery: { version: 1, sha256Hash: unknown } },
    });
    expect(byHash.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const register = await post(h.stack.gatewayUrl, {
      query: UNLISTED,
      extensions: { persistedQuery: { version: 1, sha256Hash: unknown } },
    });
    expect(register.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });
});

describe('GATEWAY_TRUSTED_DOCUMENTS=allow', () => {
  const h = useStack([solsubPart], { env: { GATEWAY_TRUSTED_DOCUMENTS: 'allow' } });

  it('runs any operation and counts those outside the manifest', async () => {
    const before = await results('unlisted');
    const r = await gql(h.stack.gatewayUrl, UNLISTED);
    expect(r.errors).toBeUndefined();
    expect(await results('unlisted')).toBe(before + 1);
  });
});

describe('GATEWAY_TRUSTED_DOCUMENTS=off (the default)', () => {
  const h = useStack([solsubPart]);

  it('runs any operation, and still answers the app by hash', async () => {
    expect((await gql(h.stack.gatewayUrl, UNLISTED)).errors).toBeUndefined();
    const [id] = Object.entries(manifest).find(([, text]) => text.includes('query MatchIdStatus('))!;
    const r = await post(h.stack.gatewayUrl, {
      variables: { matchId: 'ABC123' },
      extensions: { persistedQuery: { version: 1, sha256Hash: hexOf(id) } },
    });
    expect(r.body.errors).toBeUndefined();
  });
});
