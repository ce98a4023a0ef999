// Processes as Linux's /proc shows them: what the soak, the WORKERS bench and the WORKERS test
// read of the processes they start (parents, process trees, resident and proportional memory, CPU
// time).
import { readdirSync, readFileSync } from 'node:fs';

/** clock ticks per second of /proc/<pid>/stat (USER_HZ on Linux) */
const TICKS = 100;

/**
 * The fields of /proc/<pid>/stat after the command name: the name (2nd field) may hold spaces,
 * so they are read from its closing ')' on (index 0 is the state, 1 the parent's pid).
 */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

export const parentOf = (pid: number): number => Number(statFields(pid)[1]);

/** every process's children by parent pid, as /proc lists them now */
function childrenByParent(): Map<number, number[]> {
  const kids = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = parentOf(Number(entry));
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  return kids;
}

/** the processes whose parent is `pid` */
export const childrenOf = (pid: number): number[] => childrenByParent().get(pid) ?? [];

/** `pid` and every process below it */
export function processTree(pid: number): number[] {
  const kids = childrenByParent();
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(kids.get(out[i]!) ?? []));
  return out;
}

/** resident memory of one process in bytes (0 once it is gone) */
export function rssOf(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/**
 * Memory of one process in bytes from /proc/<pid>/smaps_rollup (zeros once it is gone): `rss`,
 * its resident set; `pss`, that set with each page shared among k processes counted 1/k (the
 * `node` binary's text, the libraries' pages and the memory a cluster worker inherits are counted
 * once over the processes that share them, so PSS sums over a process tree and RSS does not);
 * `private`, the pages no other process maps.
 */
export function memoryOf(pid: number): { rss: number; pss: number; private: number } {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
    return { rss: kb('Rss'), pss: kb('Pss'), private: kb('Private_Clean') + kb('Private_Dirty') };
  } catch {
    return { rss: 0, pss: 0, private: 0 };
  }
}

/** CPU seconds (user + system) one process has used (0 once it is gone) */
export function cpuSecondsOf(pid: number): number {
  try {
    const f = statFields(pid);
    return (Number(f[11]) + Number(f[12])) / TICKS;
  } catch {
    return 0;
  }
}
