// What the reliability suites need to know about each API: the one table to extend when an API
// is added (faults.e2e.ts, breaker.e2e.ts, sentinels.e2e.ts and load.e2e.ts iterate over every
// part of stack/parts/index.ts and look its row up here; a registered API without a row does
// not compile).
import type { FaultKind } from '../../emulators/shared/emulator.ts';
import type { StackPart } from '../../stack/part.ts';

export type ApiName = StackPart['name'];

export interface ApiRow {
  /**
   * A root field that reads this API's upstream, as a selection (the suites alias it). `n` is
   * unique per use, for APIs that cache reads across requests.
   */
  read: (n: number) => string;
  /** Emulator fault `match` that hits the read's upstream call(s); omitted: every request */
  readMatch?: string;
  /** A root field of this API that `readMatch` does not touch (partial results when it is the only API) */
  unaffected?: (n: number) => string;
  /** A mutation that sends exactly one state-changing call, matched by `writeMatch` */
  write: (n: number) => string;
  writeMatch: string;
  /** Headers every caller of this API sends (per-user tokens) */
  headers?: Record<string, string>;
  /**
   * Where this API's mapping of a fault differs from the defaults below, with the reason; null:
   * the API reads that answer as a success by design (no error expected)
   */
  readCodes?: Partial<Record<FaultKind, string | null>>;
  writeCodes?: Partial<Record<FaultKind, string | null>>;
  /**
   * Sentinel scan: the demo credential values among the emulator's environment overlay (default:
   * the values of variables named like KEY, PASSWORD, TOKEN, SECRET or USER).
   */
  credentials?: (env: Record<string, string>) => string[];
  /** Sentinel scan: per-request credential headers the caller sends, with the demo value each stands for */
  callerCredentials?: Record<string, string>;
  /** Sentinel scan: argument values (by name) for the operation generated for every root field */
  argValues?: Record<string, unknown>;
  /** Sentinel scan: hand-written operations that succeed against the emulator */
  operations?: Array<{ query: string; variables?: Record<string, unknown> }>;
}

/** What a read meeting each fault must come out as (retries included). */
export const READ_CODES: Record<FaultKind, string> = {
  latency: 'UPSTREAM_UNAVAILABLE',
  status: 'UPSTREAM_UNAVAILABLE',
  reset: 'UPSTREAM_UNAVAILABLE',
  hang: 'UPSTREAM_UNAVAILABLE',
  slowBody: 'UPSTREAM_UNAVAILABLE',
  malformed: 'UPSTREAM_BAD_RESPONSE',
  html: 'UPSTREAM_BAD_RESPONSE',
  rateLimit: 'RATE_LIMITED',
  wrongShape: 'UPSTREAM_BAD_RESPONSE',
  commitThenStatus: 'UPSTREAM_UNAVAILABLE',
  commitThenReset: 'UPSTREAM_UNAVAILABLE',
  commitThenHang: 'UPSTREAM_UNAVAILABLE',
};

/**
 * What a write meeting each fault must come out as: once the request may have reached
 * upstream and no readable answer came back, it may have happened (OUTCOME_UNKNOWN).
 */
export const WRITE_CODES: Record<FaultKind, string> = {
  latency: 'OUTCOME_UNKNOWN',
  status: 'OUTCOME_UNKNOWN', // a 503 may come after the write was done (every 5xx does)
  reset: 'OUTCOME_UNKNOWN',
  hang: 'OUTCOME_UNKNOWN',
  slowBody: 'OUTCOME_UNKNOWN',
  malformed: 'OUTCOME_UNKNOWN',
  html: 'OUTCOME_UNKNOWN',
  rateLimit: 'RATE_LIMITED',
  wrongShape: 'OUTCOME_UNKNOWN',
  commitThenStatus: 'OUTCOME_UNKNOWN',
  commitThenReset: 'OUTCOME_UNKNOWN',
  commitThenHang: 'OUTCOME_UNKNOWN',
};

export const FAULTS: FaultKind[] = [
  'latency',
  'status',
  'reset',
  'hang',
  'slowBody',
  'malformed',
  'html',
  'rateLimit',
  'wrongShape',
  'commitThenStatus',
  'commitThenReset',
  'commitThenHang',
];

export const API_TABLE: Record<ApiName, ApiRow> = {
  smm: {
    read: () => 'smmOrder(provider: "sosyal", id: "23501") { id status }',
    readMatch: 'sosyal/status',
    unaffected: () => 'smmOrder(provider: "baostar", id: "99999") { id status }',
    write: (n) =>
      `smmAddOrder(provider: "sosyal", input: { service: "1", link: "https://example.com/p/${n}", quantity: 100 }) { order { id } userErrors { code } }`,
    writeMatch: 'sosyal/add',
    credentials: (env) =>
      (JSON.parse(env.SMM_PROVIDERS ?? '[]') as Array<{ key: string }>).map((p) => p.key).filter(Boolean),
    callerCredentials: { 'x-smm-key-baostar': 'demo-baostar-key' },
    argValues: {
      provider: 'sosyal',
      id: '23501',
      ids: ['23501', '23502'],
      orderIds: ['23501'],
      service: '1',
    },
    operations: [
      { query: '{ smmProviders { id name balance { amount currency } services { id rate } } }' },
      { query: '{ smmBalance(provider: "baostar") { amount currency } }' },
      { query: '{ smmOrders(provider: "sosyal", ids: ["23501", "23502", "1"]) { id status charge } }' },
      { query: '{ smmRefills(provider: "baostar", ids: ["1", "2"]) { id status } }' },
      {
        query: `mutation { smmAddOrder(provider: "sosyal", input: { service: "1", link: "https://example.com/p/1", quantity: 100 }) { order { id status } userErrors { code message } } }`,
      },
      {
        query: `mutation { smmAddOrder(provider: "baostar", input: { service: "1", link: "https://example.com/p/1", quantity: 1 }) { order { id } userErrors { code message } } }`,
      },
      {
        query:
          'mutation { smmRefill(provider: "sosyal", orderIds: ["23501", "5"]) { results { orderId error refill { id } } userErrors { code message } } }',
      },
      {
        query:
          'mutation { smmCancel(provider: "baostar", orderIds: ["99999", "100001"]) { results { orderId requested error } userErrors { code message } } }',
      },
    ],
  },
  solmate: {
    read: () => 'order(id: "102341285566") { id status }',
    write: () => 'pauseOrder(id: "102341285566") { order { id } userErrors { code } }',
    writeMatch: 'pauseOrder',
    // the later dialect answers success without "status":"ok", so any 200 JSON that is not a
    // failure is taken as done
    writeCodes: { wrongShape: null },
    argValues: { id: '102341285566', ids: ['102341285566', '102341285567'] },
  },
  solsub: {
    // checks are cached across requests: a fresh id per use
    read: (n) => `matchIdStatus(matchId: "FAULT_${n}") { matchId state }`,
    write: (n) => `createMatchId(matchId: "NEW_${n}") { matchId { matchId } userErrors { code } }`,
    writeMatch: 'create-match-id',
    argValues: { matchId: 'PAID_001', matchIds: ['PAID_001', 'TRIAL_001'] },
  },
  likenama: {
    read: () => 'nextCampaign { id }',
    write: () => 'reportCampaign(id: "2578") { alreadyReported userErrors { code } }',
    writeMatch: 'report',
    // a report's success is its status (201/200, documented without a body): the body is not read
    writeCodes: { wrongShape: null },
    headers: { 'x-likenama-token': 'demo-phoebe-token' },
    callerCredentials: { 'x-likenama-token': 'demo-phoebe-token' },
    argValues: { id: '2578' },
  },
};

export function rowOf(name: ApiName): ApiRow {
  const row = API_TABLE[name];
  if (!row) throw new Error(`test/reliability/apis.ts has no row for the ${name} API: add one`);
  return row;
}
