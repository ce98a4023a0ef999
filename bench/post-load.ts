// One GraphQL POST to a command the bench started: waiting until it answers, and autocannon
// repeating it (bench/workers.ts and bench/node-flags.ts).
import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import { request } from 'undici';

const JSON_HEADERS = { 'content-type': 'application/json' };

/** Resolves once `url` answers `body` with a 200 and no GraphQL error; fails if `child` exits first. */
export async function waitAnswering(url: string, child: ChildProcess, body: string, timeoutMs: number) {
  for (const until = Date.now() + timeoutMs; Date.now() < until;) {
    if (child.exitCode !== null) throw new Error(`${url}: exited (${child.exitCode})`);
    const ok = await request(url, { method: 'POST', headers: JSON_HEADERS, body })
      .then(async (r) => r.statusCode === 200 && !(await r.body.text()).includes('"errors"'))
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url}: not ready`);
}

/** `body` POSTed to `url` over `connections` for `durationS` seconds. */
export const postLoad = (url: string, body: string, connections: number, durationS: number) =>
  new Promise<autocannon.Result>((resolve, reject) =>
    autocannon(
      { url, method: 'POST', connections, duration: durationS, headers: JSON_HEADERS, body },
      (err, res) => (err ? reject(err) : resolve(res)),
    ),
  );
