import type { ProcessCounts, ProcessInfo, ProcessSortKey, ProcessesData } from '@sysray/proto';
import { scrubText } from '@sysray/proto';
import type { Systeminformation as Si } from 'systeminformation';
import type { CollectorsConfig } from '../../collectors/config.js';
import { DEFAULT_COLLECTORS_CONFIG } from '../../collectors/config.js';
import type { CollectContext, Collector, CollectOutcome } from '../../collectors/types.js';
import { ok } from '../../collectors/types.js';
import type { FallbackSourceOptions } from './source.js';
import { UNAVAILABLE, callSi, finiteOrNull, resolveFallbackSources, textOrNull } from './source.js';

/** Longest process name kept: Windows image names run to MAX_PATH, macOS ones to MAXPATHLEN in ps. */
export const MAX_PROCESS_NAME_LENGTH = 260;

/**
 * si's state words (lib/processes.js: ps `state` letters on Linux and macOS, `_winStatusValues` on Windows)
 * back to the one-letter codes of `stat`. Windows rarely fills `ExecutionState`, so most of its processes
 * read `unknown`, shown as `?`.
 */
const STATE_LETTERS: Readonly<Record<string, string>> = {
  running: 'R',
  ready: 'R',
  sleeping: 'S',
  blocked: 'D',
  paging: 'D',
  stopped: 'T',
  'suspended ready': 'T',
  'suspended blocked': 'T',
  zombie: 'Z',
  dead: 'X',
  terminated: 'X',
};

export function stateLetter(state: string): string {
  return STATE_LETTERS[state.trim().toLowerCase()] ?? '?';
}

/**
 * si's `started`: `YYYY-MM-DD HH:MM:SS` in local time (from ps `etime` on Linux and macOS, from
 * `CreationDate` on Windows) to Unix epoch seconds; null when it does not parse.
 */
export function parseStarted(started: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(started.trim());
  if (match === null) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = new Date(year, month - 1, day, hour, minute, second).getTime();
  return Number.isFinite(ms) ? Math.round(ms / 1000) : null;
}

/**
 * The command line. si splits ps's `command` column into `path`, `command` and `params` on Linux and
 * macOS, so they are joined back; on Windows `command` is already the full `CommandLine` (or the image
 * name when Windows withholds it) and `path` the executable, which must not be prepended.
 */
export function commandLine(entry: Si.ProcessesProcessData, platform: NodeJS.Platform): string {
  if (platform === 'win32') return entry.command ?? '';
  const executable = entry.path ? `${entry.path}/${entry.command}` : (entry.command ?? '');
  return [executable, entry.params ?? ''].filter((part) => part !== '').join(' ');
}

/**
 * si's `cpu` per OS: on Linux and Windows it is the process's share of all CPU time between two si calls
 * (percent of all cores, 0..100; lib/processes.js `calcProcStatLinux`/`calcProcStatWin`); on macOS it is
 * ps `pcpu`, percent of one core (the kernel's decayed average). Both percentages are derived from it.
 */
export function cpuPercents(
  siCpu: number,
  platform: NodeJS.Platform,
  logicalCpus: number,
): { cpuPercent: number; cpuPercentNormalized: number } {
  const cpus = Math.max(1, logicalCpus);
  return platform === 'darwin'
    ? { cpuPercent: siCpu, cpuPercentNormalized: siCpu / cpus }
    : { cpuPercent: siCpu * cpus, cpuPercentNormalized: siCpu };
}

/**
 * si derives `started` on Linux and macOS from ps `etime` (whole seconds) and the current time, so the
 * same process can read a second earlier or later from one call to the next.
 */
export const START_TIME_TOLERANCE_SECONDS = 2;

/** Start times (epoch seconds, null when unknown) by pid, of the processes in one sample. */
export type ProcessSightings = ReadonlyMap<number, number | null>;

export function processSightings(list: readonly Si.ProcessesProcessData[]): Map<number, number | null> {
  return new Map(list.map((entry) => [entry.pid, parseStarted(entry.started ?? '')]));
}

/** Whether a process was in the previous sample: same pid and, when both are known, the same start. */
export function seenBefore(seen: ProcessSightings, pid: number, startTime: number | null): boolean {
  if (!seen.has(pid)) return false;
  const before = seen.get(pid) ?? null;
  // A pid reused by a new process has a later start time.
  return (
    before === null || startTime === null || Math.abs(before - startTime) <= START_TIME_TOLERANCE_SECONDS
  );
}

export interface ProcessMapOptions {
  readonly platform: NodeJS.Platform;
  readonly logicalCpus: number;
  readonly maxCommandLength: number;
  /** The processes of the previous sample; CPU use is null for the others (first sight). */
  readonly seen: ProcessSightings;
}

/**
 * One process. si gives no uid, thread count, swap, open files, IO or cumulative CPU time: uid, swap,
 * fds and IO are null; `userSeconds`, `systemSeconds` and `threads` are 0 (UNAVAILABLE), as is
 * `startTime` when si has no start (Windows withholds it for some system processes). Sizes are
 * KiB in si (`memRss` from ps `rss` or the working set; `memVsz` from ps `vsz`, on Windows the
 * page-file-backed commit `PageFileUsage`).
 */
export function mapProcess(entry: Si.ProcessesProcessData, options: ProcessMapOptions): ProcessInfo {
  const startTime = parseStarted(entry.started ?? '');
  const known = seenBefore(options.seen, entry.pid, startTime);
  const percents = cpuPercents(finiteOrNull(entry.cpu) ?? 0, options.platform, options.logicalCpus);
  const user = textOrNull(entry.user);
  return {
    pid: entry.pid,
    ppid: finiteOrNull(entry.parentPid) ?? 0,
    name: scrubText(entry.name ?? '', MAX_PROCESS_NAME_LENGTH),
    command: scrubText(commandLine(entry, options.platform), options.maxCommandLength),
    uid: null,
    user: user === null ? null : scrubText(user, MAX_PROCESS_NAME_LENGTH),
    state: stateLetter(entry.state ?? ''),
    userSeconds: UNAVAILABLE,
    systemSeconds: UNAVAILABLE,
    cpuPercent: known ? percents.cpuPercent : null,
    cpuPercentNormalized: known ? percents.cpuPercentNormalized : null,
    rssBytes: (finiteOrNull(entry.memRss) ?? 0) * 1024,
    virtualBytes: (finiteOrNull(entry.memVsz) ?? 0) * 1024,
    swapBytes: null,
    threads: UNAVAILABLE,
    openFds: null,
    ioReadBytes: null,
    ioWriteBytes: null,
    ioReadBytesPerSec: null,
    ioWriteBytesPerSec: null,
    startTime: startTime ?? UNAVAILABLE,
    cgroupPath: null,
    container: null,
  };
}

/** Counts by state, from the same list the top N is drawn from. */
export function processCounts(infos: readonly ProcessInfo[]): ProcessCounts {
  const count = (letter: string): number => infos.filter((info) => info.state === letter).length;
  return {
    total: infos.length,
    threads: UNAVAILABLE,
    running: count('R'),
    sleeping: count('S'),
    blocked: count('D'),
    zombie: count('Z'),
    stopped: count('T') + count('t'),
    idle: count('I'),
  };
}

/** si gives no per-process IO: an `io` sort falls back to CPU, and `sortedBy` says so. */
export function effectiveSortKey(requested: ProcessSortKey): ProcessSortKey {
  return requested === 'io' ? 'cpu' : requested;
}

type Ranked = { readonly info: ProcessInfo; readonly siCpu: number };

function compare(sortBy: ProcessSortKey): (a: Ranked, b: Ranked) => number {
  const byPid = (a: Ranked, b: Ranked): number => a.info.pid - b.info.pid;
  switch (sortBy) {
    case 'memory':
      return (a, b) => b.info.rssBytes - a.info.rssBytes || byPid(a, b);
    case 'pid':
      return byPid;
    case 'name':
      return (a, b) => (a.info.name < b.info.name ? -1 : a.info.name > b.info.name ? 1 : byPid(a, b));
    default:
      // si's own figure ranks even a first sample, whose reported cpuPercent is still null.
      return (a, b) => b.siCpu - a.siCpu || byPid(a, b);
  }
}

export interface ProcessesMapConfig {
  readonly limit: number;
  readonly sortBy: ProcessSortKey;
  readonly maxCommandLength: number;
  /** Compiled include rules: a match on name or command line keeps a process beyond the top N. */
  readonly include: readonly RegExp[];
}

/**
 * The processes section from `si.processes()`. Windows lists `System Idle Process` (pid 0), the idle
 * accounting rather than a process, whose CPU share is the idle time: it is left out.
 */
export function mapProcesses(
  data: Si.ProcessesData,
  config: ProcessesMapConfig,
  options: Omit<ProcessMapOptions, 'maxCommandLength'>,
): ProcessesData {
  const entries = (data.list ?? []).filter((entry) => !(options.platform === 'win32' && entry.pid === 0));
  const ranked: Ranked[] = entries.map((entry) => ({
    info: mapProcess(entry, { ...options, maxCommandLength: config.maxCommandLength }),
    siCpu: finiteOrNull(entry.cpu) ?? 0,
  }));
  const sortedBy = effectiveSortKey(config.sortBy);
  const included = (info: ProcessInfo): boolean =>
    config.include.some((re) => re.test(info.name) || re.test(info.command));
  const top = [...ranked]
    .sort(compare(sortedBy))
    .filter((entry, index) => index < config.limit || included(entry.info))
    .map((entry) => entry.info);
  return { counts: processCounts(ranked.map((entry) => entry.info)), sortedBy, top };
}

/** Include rules compiled once; an invalid pattern is a configuration error and throws at construction. */
export function compileIncludeRules(patterns: readonly string[]): RegExp[] {
  return patterns.map((pattern) => {
    try {
      return new RegExp(pattern);
    } catch (error) {
      throw new Error(
        `invalid process include pattern ${JSON.stringify(pattern)}: ${(error as Error).message}`,
      );
    }
  });
}

export interface FallbackProcessesCollectorOptions extends FallbackSourceOptions {
  readonly config?: CollectorsConfig['processes'] | undefined;
}

/**
 * The processes collector. `si.processes()` lists every process (ps or a CIM query) and is the most
 * expensive call of the fallback; only the top N by the sort key plus the include matches are kept.
 */
export function createFallbackProcessesCollector(
  options: FallbackProcessesCollectorOptions = {},
): Collector<'processes'> {
  const sources = resolveFallbackSources(options);
  const config = options.config ?? DEFAULT_COLLECTORS_CONFIG.processes;
  const mapConfig: ProcessesMapConfig = {
    limit: Math.max(0, Math.floor(config.limit)),
    sortBy: config.sortBy,
    maxCommandLength: Math.max(1, Math.floor(config.maxCommandLength)),
    include: compileIncludeRules(config.include),
  };
  let seen: ProcessSightings = new Map();
  return {
    section: 'processes',
    async collect(_context: CollectContext): Promise<CollectOutcome<ProcessesData>> {
      const si = await sources.si();
      const data = await callSi('processes', () => si.processes());
      const result = mapProcesses(data, mapConfig, {
        platform: sources.platform,
        logicalCpus: sources.os.cpus().length,
        seen,
      });
      seen = processSightings(data.list ?? []);
      return ok(result);
    },
  };
}
