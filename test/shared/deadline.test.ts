// The request's deadline as one upstream client sees it: attempts fit in what is left, nothing is
// sent once the request has ended, and a sent write is waited for even when its caller has left.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Emulator, json } from '../../emulators/shared/emulator.ts';
import { askedBudget, Deadline } from '../../lib/deadline.ts';
import { runInScope } from '../../lib/request-context.ts';
import { failure } from '../helpers/errors.ts';
import { closeAllPools, MIN_ATTEMPT_MS, UpstreamHttp } from '../../subgraphs/shared/http.ts';

const emu = new Emulator({ name: 'deadline' }, () => json(200, { ok: true }));
let http: UpstreamHttp;

beforeAll(async () => {
  const url = await emu.listen();
  http = new UpstreamHttp({
    api: 'smm',
    baseUrl: url,
    // far above every budget below: whatever stops a call here is the deadline
    timeoutMs: 20_000,
    retries: 3,
    retryBaseMs: 1,
    connections: 4,
    breaker: { threshold: 0, halfOpenMs: 1000 },
  });
});
afterAll(async () => {
  await emu.close();
  await closeAllPools();
});
beforeEach(() => emu.reset());

const read = { method: 'GET', path: '/status', kind: 'read', action: 'status' } as const;
const write = { method: 'POST', path: '/add', kind: 'write', action: 'add', body: '{}' } as const;

describe('a request deadline', () => {
  it('sends no write once the request has ended, and says nothing was sent', async () => {
    for (const reason of ['deadline', 'caller_gone'] as const) {
      const d = new Deadline(60_000);
      d.end(reason);
      const err = await failure(runInScope({ requestId: 'r', deadline: d }, () => http.request(write)));
      expect(err.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', sent: false });
      expect(err.message).toMatch(
        reason === 'deadline' ? /deadline of 60000 ms passed/ : /caller disconnected/,
      );
      expect(err.message).toContain('Nothing was sent');
    }
    expect(emu.received).toBe(0);
  });

  it('sends no write with less than the least budget left: it could only end OUTCOME_UNKNOWN', async () => {
    const d = new Deadline(MIN_ATTEMPT_MS / 2);
    const err = await failure(runInScope({ requestId: 'r', deadline: d }, () => http.request(write)));
    expect(err.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', sent: false });
    expect(emu.received).toBe(0);
    d.settle();
  });

  it('gives a hanging read what is left of the budget, once, instead of every attempt its timeout', async () => {
    emu.setFault({ kind: 'hang' });
    const d = new Deadline(400);
    const err = await failure(runInScope({ requestId: 'r', deadline: d }, () => http.request(read)));
    expect(err.extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    // either the attempt's own cap (what was left) or the deadline's end stopped it
    expect(err.message).toMatch(/left of the request's deadline|deadline of 400 ms passed/);
    expect(emu.received).toBe(1);
  });

  it('stops a read as soon as its caller leaves', async () => {
    emu.setFault({ kind: 'hang' });
    const d = new Deadline(60_000);
    const pending = failure(runInScope({ requestId: 'r', deadline: d }, () => http.request(read)));
    await expect.poll(() => emu.received).toBe(1);
    d.end('caller_gone');
    const err = await pending;
    expect(err.extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(err.message).toMatch(/cut off: the caller disconnected/);
    expect(emu.received).toBe(1);
  });

  it('waits for a write already sent when its caller leaves, so its real outcome is known', async () => {
    emu.setFault({ kind: 'latency', ms: 300, times: 1 });
    const d = new Deadline(60_000);
    const pending = runInScope({ requestId: 'r', deadline: d }, () => http.request(write));
    await expect.poll(() => emu.received).toBe(1);
    d.end('caller_gone');
    await expect(pending).resolves.toMatchObject({ status: 200 });
  });

  it('turns a write that outlives the deadline into OUTCOME_UNKNOWN, not a wait for its own timeout', async () => {
    emu.setFault({ kind: 'hang' });
    const d = new Deadline(400);
    const err = await failure(runInScope({ requestId: 'r', deadline: d }, () => http.request(write)));
    expect(err.extensions.code).toBe('OUTCOME_UNKNOWN');
    expect(emu.received).toBe(1);
  });

  it('carries more than ten upstream calls at once without a leak warning', async () => {
    // one request checking 20 Match IDs makes 20 calls at once, each listening on the request's
    // signals until it ends: Node took the eleventh listener for a leak and wrote a warning to
    // stderr (seen in test runs as MaxListenersExceededWarning from inflight.ts)
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const d = new Deadline(60_000);
      const reads = Array.from({ length: 20 }, (_, i) => ({ ...read, path: `/status?order=${i}` }));
      await runInScope({ requestId: 'r', deadline: d }, () => Promise.all(reads.map((r) => http.request(r))));
      d.settle();
      // process.emitWarning emits on the next tick: one turn of the event loop lets it show
      await new Promise((r) => setImmediate(r));
      expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
      expect(emu.received).toBe(20);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('reads a budget from the header only when it is a plain number of milliseconds', () => {
    expect(askedBudget('250')).toBe(250);
    for (const bad of ['', '-5', '1e3', '2.5', ' 5', '9999999999', undefined, ['1', '2']])
      expect(askedBudget(bad as string)).toBeUndefined();
  });
});
