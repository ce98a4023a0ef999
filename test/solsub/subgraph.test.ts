import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDemoSolsubEmulator,
  DEMO_CLUSTERS,
  type SolsubEmulator,
} from '../../emulators/solsub/index.ts';
import { httpSettings } from '../../subgraphs/shared/config.ts';
import { closeAllPools } from '../../subgraphs/shared/http.ts';
import { LayerError } from '../../subgraphs/shared/errors.ts';
import { buildSubgraphServer } from '../../subgraphs/shared/server.ts';
import {
  HttpSolsubApi,
  parseCreated,
  toDateTime,
  type MatchIdStatusRecord,
  type SolsubApi,
} from '../../subgraphs/solsub/client.ts';
import { solsubConfigFromEnv } from '../../subgraphs/solsub/config.ts';
import type { SolsubContext } from '../../subgraphs/solsub/context.ts';
import { matchIdProblem } from '../../subgraphs/solsub/input.ts';
import { createSolsubSubgraph } from '../../subgraphs/solsub/subgraph.ts';

const settings = httpSettings({ UPSTREAM_TIMEOUT_MS: '800', UPSTREAM_READ_RETRIES: '0' });

describe('SolSub values', () => {
  it.each([
    ['2025-05-07T12:00:00+00:00', '2025-05-07T12:00:00.000Z'],
    ['2025-05-07T14:00:00.123456+02:00', '2025-05-07T12:00:00.123Z'],
    ['2025-05-07 12:00:00', '2025-05-07T12:00:00.000Z'],
    ['2025-05-07T12:00:00Z', '2025-05-07T12:00:00.000Z'],
    ['tomorrow', null],
    [null, null],
    [1746619200, null],
  ])('toDateTime(%j) = %j', (v, want) => expect(toDateTime(v)).toBe(want));

  it('reads the documented 201 body and refuses others', () => {
    expect(
      parseCreated({
        detail: 'Match ID created successfully',
        match_id: 'MATCH_001',
        cluster: 'my_cluster',
        is_trial: true,
        valid_till: '2025-05-07T12:00:00+00:00',
      }),
    ).toEqual({
      matchId: 'MATCH_001',
      cluster: 'my_cluster',
      isTrial: true,
      validTill: '2025-05-07T12:00:00.000Z',
    });
    expect(parseCreated({ detail: 'Match ID created successfully' })).toBeNull();
    expect(parseCreated({ match_id: 'A', cluster: 'c', is_trial: 'maybe' })).toBeNull();
  });

  it.each([
    ['MATCH_001', null],
    ['abc-DEF_123', null],
    ['', 'must not be empty'],
    ['x'.repeat(65), 'must be at most 64 characters'],
    ['a.b', 'may only contain letters, digits, "_" and "-"'],
  ])('matchIdProblem(%j)', (id, want) => expect(matchIdProblem(id)).toBe(want));

  it('reads the configuration with its defaults', () => {
    const c = solsubConfigFromEnv({});
    expect(c).toMatchObject({
      url: 'https://api.solsub.online',
      apiKey: '',
      cacheTtlMs: 10_000,
      negativeCacheTtlMs: 2_000,
      maxIdsPerRequest: 100,
    });
    expect(solsubConfigFromEnv({ SOLSUB_CACHE_TTL_MS: '0' })).toMatchObject({
      cacheTtlMs: 0,
      negativeCacheTtlMs: 0,
    });
    expect(() => solsubConfigFromEnv({ SOLSUB_CACHE_TTL_MS: 'soon' })).toThrow(/SOLSUB_CACHE_TTL_MS/);
    expect(() => solsubConfigFromEnv({ SOLSUB_URL: 'ftp://x' })).toThrow(/SOLSUB_URL/);
  });
});

describe('HttpSolsubApi against the emulator', () => {
  let emu: SolsubEmulator;
  beforeAll(async () => {
    emu = createDemoSolsubEmulator();
    await emu.listen();
  });
  afterAll(async () => {
    await emu.close();
    await closeAllPools();
  });

  const failure = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LayerError);
    return err as LayerError;
  };

  it("a wrong SOLSUB_URL (the framework's own 404) is UPSTREAM_BAD_RESPONSE, not UNAUTHENTICATED", async () => {
    const api = new HttpSolsubApi(`${emu.url}/v2`, DEMO_CLUSTERS.admin.key, settings);
    const err = await failure(api.check('PAID_001'));
    expect(err.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(err.message).toMatch(/no check-match-id route/);
  });

  it('scrubs the key when upstream echoes it', async () => {
    const key = 'echoed-secret-key-99';
    emu.switches.unknownKeyStatus = 404;
    const api = new HttpSolsubApi(emu.url, key, settings);
    const err = await failure(api.check('PAID_001'));
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify({ m: err.message, e: err.extensions })).not.toContain(key);
  });
});

describe('SolSub subgraph with a fake API', () => {
  const fake = () => {
    const calls: string[] = [];
    const api: SolsubApi = {
      async check(matchId) {
        calls.push(`check ${matchId}`);
        return { matchId, state: 'PAID_ACTIVE', detail: 'Paid Active', checkedAt: new Date().toISOString() };
      },
      async create(matchId) {
        calls.push(`create ${matchId}`);
        return { matchId, cluster: 'c', isTrial: false, validTill: null };
      },
    };
    return { api, calls };
  };

  const run = async (env: NodeJS.ProcessEnv, query: string, headers: Record<string, string> = {}) => {
    const { api, calls } = fake();
    const keys: string[] = [];
    const def = createSolsubSubgraph(solsubConfigFromEnv(env), {
      env: {},
      makeApi: (key) => (keys.push(key), api),
    });
    const server = buildSubgraphServer(def);
    await server.start();
    const contextValue = await def.context({ headers });
    const res = await server.executeOperation<{ matchIdStatus: MatchIdStatusRecord }>(
      { query },
      { contextValue: contextValue as SolsubContext },
    );
    await server.stop();
    await def.close?.();
    if (res.body.kind !== 'single') throw new Error('expected a single result');
    return { result: res.body.singleResult, calls, keys };
  };

  it('without any key: UNAUTHENTICATED and no call', async () => {
    const { result, calls } = await run({}, '{ matchIdStatus(matchId: "A") { state } }');
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(calls).toEqual([]);
  });

  it('the header key wins over the configured one', async () => {
    const { result, keys } = await run(
      { SOLSUB_API_KEY: 'server-key' },
      '{ matchIdStatus(matchId: "A") { state active } }',
      { 'x-solsub-api-key': 'tenant-key' },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ matchIdStatus: { state: 'PAID_ACTIVE', active: true } });
    expect(keys).toEqual(['tenant-key']);
  });

  it('de-duplicates within a request even with the cache off', async () => {
    const { result, calls } = await run(
      { SOLSUB_API_KEY: 'k', SOLSUB_CACHE_TTL_MS: '0' },
      '{ a: matchIdStatus(matchId: "A") { state } b: matchIdStatuses(matchIds: ["B", "A", "B"]) { matchId } }',
    );
    expect(result.errors).toBeUndefined();
    expect(calls.sort()).toEqual(['check A', 'check B']);
  });
});
