import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = new URL('../../', import.meta.url);

export interface Command {
  child: ChildProcess;
  /** JSON log lines seen so far */
  lines: Array<Record<string, unknown>>;
  stderr(): string;
  /** resolves with the first log line `match` accepts; rejects if the process exits first */
  waitFor(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL unless already gone (test clean-up) */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * One of the project's commands (a script under scripts/, run from source as `npm run …` runs
 * it from dist/) as its own OS process.
 */
export function runCommand(
  script: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
  /** cwd: run from another directory (relative paths such as ./data then land there) */
  opts: {
    node?: string;
    execArgv?: string[];
    cwd?: string;
    /** its own process group (pid = group id), for signals sent to the whole group */
    detached?: boolean;
  } = {},
): Command {
  // from another directory, the script and tsx are named by absolute path
  const elsewhere = opts.cwd !== undefined;
  const tsx = elsewhere ? new URL('node_modules/tsx/dist/loader.mjs', ROOT).href : 'tsx';
  const child = spawn(
    opts.node ?? process.execPath,
    [
      ...(opts.execArgv ?? ['--import', tsx]),
      elsewhere ? fileURLToPath(new URL(script, ROOT)) : script,
      ...args,
    ],
    {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: opts.detached ?? false,
    },
  );
  const lines: Array<Record<string, unknown>> = [];
  const waiters = new Set<{
    match: (l: Record<string, unknown>) => boolean;
    resolve: (l: Record<string, unknown>) => void;
  }>();
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    lines.push(parsed);
    for (const w of waiters)
      if (w.match(parsed)) {
        waiters.delete(w);
        w.resolve(parsed);
      }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    waitFor(match) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.add({ match, resolve });
        void exited.then(({ code, signal }) =>
          reject(new Error(`${script} ${args.join(' ')} exited (${code ?? signal}): ${stderr}`)),
        );
      });
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** the `url` of the first log line whose message starts with `prefix` */
export const urlFrom = async (cmd: Command, prefix: string) =>
  String((await cmd.waitFor((l) => String(l.msg).startsWith(prefix))).url);

/** A TCP port free on loopback right now (for a process the test starts and must name the port of). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}
