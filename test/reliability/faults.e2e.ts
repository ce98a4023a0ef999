// Every fault the emulators can make, against every API present (stack/parts/index.ts), through
// the gateway: the right code reaches the client, an unrelated field still resolves, the gateway
// stays healthy, and nothing is left as an unhandled rejection. Per-API specifics: ./apis.ts.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Fault, FaultKind } from '../../emulators/shared/emulator.ts';
import { parts } from '../../stack/parts/index.ts';
import type { GqlResult } from '../helpers/stack.ts';
import { useStack } from '../helpers/use-stack.ts';
import { FAULTS, READ_CODES, WRITE_CODES, rowOf, type ApiName } from './apis.ts';
import { apiSchemaOf, getJson, isNullableRoot, opsUrl } from './helpers.ts';

const TIMEOUT_MS = 400;
const unhandled = vi.fn();
const schema = apiSchemaOf(parts);
let n = 0;

// registered before useStack, so the listener is on before the stack starts and off after it closed
beforeAll(() => void process.on('unhandledRejection', unhandled));
afterAll(() => void process.off('unhandledRejection', unhandled));
const h = useStack(parts, {
  // breakers off: each fault must show its own code, not a circuit opened by the previous one
  env: { UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS), UPSTREAM_READ_RETRIES: '1', BREAKER_THRESHOLD: '0' },
});

const faultOf = (kind: FaultKind, match?: string): Fault => ({
  kind,
  match,
  ...(kind === 'latency' ? { ms: TIMEOUT_MS * 3 } : {}),
  ...(kind === 'slowBody' ? { ms: 100 } : {}),
  ...(kind === 'status' ? { status: 503 } : {}),
  ...(kind === 'html' ? { status: 200 } : {}),
});

/** A read of another API (fault-free), or of this API's own unaffected field when it is alone. */
function unrelatedTo(name: ApiName): { selection: string; headers: Record<string, string> } {
  const other = parts.find((p) => p.name !== name);
  if (other) {
    const row = rowOf(other.name);
    return { selection: row.read(++n), headers: row.headers ?? {} };
  }
  const own = rowOf(name);
  if (!own.unaffected) throw new Error(`${name} is the only API: its row needs \`unaffected\``);
  return { selection: own.unaffected(++n), headers: own.headers ?? {} };
}

const codeFor = (
  overrides: Partial<Record<FaultKind, string | null>> | undefined,
  defaults: Record<FaultKind, string>,
  kind: FaultKind,
): string | null => (overrides && kind in overrides ? overrides[kind]! : defaults[kind]);

const errorsAt = (r: GqlResult, root: string) =>
  (r.errors ?? []).filter((e) => e.path?.[0] === root).map((e) => e.extensions?.code);

async function expectHealthy() {
  expect((await getJson(opsUrl(h.stack, '/health'))).status).toBe(200);
  const ready = await getJson<{ status: string }>(opsUrl(h.stack, '/ready'));
  expect(ready.status).toBe(200);
}

describe.each(parts.map((p) => p.name))('%s upstream faults', (name) => {
  const row = rowOf(name);
  const emu = () => h.stack.emulators[name]!;

  it.each(FAULTS)('a read meeting %s', async (kind) => {
    for (const e of Object.values(h.stack.emulators)) e.reset();
    const expected = codeFor(row.readCodes, READ_CODES, kind);
    const target = row.read(++n);
    const other = unrelatedTo(name);
    emu().setFault(faultOf(kind, row.readMatch));
    const r = await h.send(`{ target: ${target} other: ${other.selection} }`, undefined, {
      ...row.headers,
      ...other.headers,
    });
    emu().clearFaults();

    expect(r.status).toBe(200);
    const codes = errorsAt(r, 'target');
    if (expected === null) expect(codes).toEqual([]);
    else {
      expect(codes.length).toBeGreaterThan(0);
      expect(new Set(codes)).toEqual(new Set([expected]));
    }
    expect(errorsAt(r, 'other')).toEqual([]);
    if (expected === null) expect(r.data?.target).toBeTruthy();
    else {
      // SCHEMA.md: a root field that reaches an upstream is nullable, so its failure never
      // takes the rest of `data` with it
      expect(isNullableRoot(schema, 'query', target)).toBe(true);
      expect(r.data?.target).toBeNull();
      expect(r.data?.other).toBeTruthy();
    }
    await expectHealthy();
  });

  it.each(FAULTS)('a write meeting %s, sent exactly once', async (kind) => {
    for (const e of Object.values(h.stack.emulators)) e.reset();
    const expected = codeFor(row.writeCodes, WRITE_CODES, kind);
    emu().setFault(faultOf(kind, row.writeMatch));
    const r = await h.send(`mutation { target: ${row.write(++n)} }`, undefined, row.headers);
    emu().clearFaults();

    expect(errorsAt(r, 'target')).toEqual(expected === null ? [] : [expected]);
    expect(emu().requests.filter((q) => q.action.includes(row.writeMatch))).toHaveLength(1);
    await expectHealthy();
  });
});

describe('after every fault', () => {
  it('left no unhandled rejection', async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(unhandled).not.toHaveBeenCalled();
  });
});
