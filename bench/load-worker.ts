import autocannon from 'autocannon';
import { summarise, type LoadJob, type LoadResult } from './load.ts';
import { OpRunner } from './ops.ts';

/** Load generator process (forked by LoadWorker): runs each job it is sent, answers its LoadResult. */
async function main(job: LoadJob): Promise<LoadResult> {
  return job.kind === 'autocannon' ? hammer(job) : drive(job);
}

/** Requests answered and sent by one autocannon run. */
const counts = (r: autocannon.Result) => ({ answered: r.requests.total, sent: r.requests.sent });

async function hammer(job: Extract<LoadJob, { kind: 'autocannon' }>): Promise<LoadResult> {
  const opts: autocannon.Options = {
    url: job.call.url,
    method: job.call.method,
    headers: job.call.headers,
    body: job.call.body,
    connections: job.connections,
    timeout: 10,
    // autocannon only notices the end of a run at a sample tick (1 s by default)
    sampleInt: 100,
  };
  const length = (durationS: number, amount?: number) => (amount ? { amount } : { duration: durationS });
  let warmupSamples = 0;
  let warmupSent = 0;
  if (job.warmupS > 0) {
    const w = await autocannon({ ...opts, ...length(job.warmupS, job.amount && job.connections) });
    ({ answered: warmupSamples, sent: warmupSent } = counts(w));
  }
  const latencies: number[] = [];
  let bad = 0;
  const ok = job.call.okStatus;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ ...opts, ...length(job.durationS, job.amount) }, (err, res) =>
      err ? reject(err as Error) : resolve(res),
    );
    // autocannon's own histogram has 1 ms resolution: keep the exact times for sub-ms figures
    instance.on('response', (_client, status, _bytes, ms) => {
      latencies.push(ms);
      if (ok ? !ok.includes(status) : status < 200 || status >= 300) bad += 1;
    });
  });
  const sent = warmupSent + counts(result).sent;
  return summarise('autocannon', latencies, result.duration, result.errors, bad, warmupSamples, sent);
}

async function drive(job: Extract<LoadJob, { kind: 'ops' }>): Promise<LoadResult> {
  const runner = new OpRunner();
  try {
    const warmupEnd = performance.now() + job.warmupS * 1000;
    let warmupSamples = 0;
    do {
      await runner.run(job.op);
      warmupSamples += 1;
    } while (performance.now() < warmupEnd);

    const latencies: number[] = [];
    let bad = 0;
    let errors = 0;
    const started = performance.now();
    const end = started + job.durationS * 1000;
    const lane = async () => {
      while (performance.now() < end || latencies.length < job.minSamples) {
        const t = performance.now();
        try {
          bad += (await runner.run(job.op)).bad;
        } catch {
          errors += 1;
        }
        latencies.push(performance.now() - t);
      }
    };
    await Promise.all(Array.from({ length: job.concurrency }, lane));
    return summarise('driver', latencies, (performance.now() - started) / 1000, errors, bad, warmupSamples);
  } finally {
    await runner.close();
  }
}

// one job at a time, for as long as the bench keeps this process
process.on('message', (job: LoadJob) => {
  main(job).then(
    (result) => process.send!({ result }),
    (err: unknown) => process.send!({ error: (err as Error)?.stack ?? String(err) }),
  );
});
// the bench ends this process; should the bench itself die, the IPC channel closes
process.on('disconnect', () => process.exit(0));
process.send!({ ready: true });
