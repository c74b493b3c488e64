import { scrubText } from '@sysray/proto';
import type { ProcessCounts, ProcessInfo, ProcessSortKey, ProcessesData } from '@sysray/proto';
import { procPath, type HostRoots } from '../platform/host-roots.js';
import { DEFAULT_PAGE_SIZE_BYTES, readPageSizeBytes } from '../platform/page-size.js';
import { isPermissionError, listDirSync, readKernelFileSync } from '../platform/read.js';
import { createUserNames, type UserNames } from '../platform/users.js';
import { DEFAULT_COLLECTORS_CONFIG, type CollectorsConfig } from './config.js';
import { analyzeCgroupPath } from './container-attribution.js';
import {
  createProcStatScratch,
  formatCommandLine,
  parseProcCgroup,
  parseProcIo,
  parseProcStatInto,
  parseProcStatSummary,
  parseProcStatus,
} from './processes-parse.js';
import { counterRate, intervalSeconds } from './rates.js';
import { ok, type CollectContext, type Collector } from './types.js';

/**
 * Processes from `/proc/<pid>/`. Every tick reads exactly one file per process, `stat`, which gives what
 * ranking and the state counts need (CPU ticks, RSS, state, threads). Only the top N by the sort key plus
 * the processes that match an include rule get the detail files (cmdline, status, io, fd/, cgroup). Two
 * exceptions, both opted into by configuration: sorting by IO reads `io` for every process (ranking needs
 * it), and include rules read a process's cmdline once per program it runs (the match is cached until an
 * exec changes comm).
 */

/** USER_HZ: `/proc` reports CPU times in 1/100 s on every architecture Linux exports to user space (time(7)). */
const USER_HZ = 100;

/** Longest process name kept, characters; `comm` is at most 15 bytes (TASK_COMM_LEN) anyway. */
const MAX_NAME_LENGTH = 64;

export interface ProcessesCollectorOptions extends Partial<CollectorsConfig['processes']> {
  /** Page size, bytes; read from the kernel (`KernelPageSize` in smaps) when omitted. For fixture trees. */
  readonly pageSizeBytes?: number;
  /** Logical CPUs for `cpuPercentNormalized`; counted from `<proc>/stat` when omitted. */
  readonly logicalCpus?: number;
}

/** Ticks between re-reads of a kept process's command line and cgroup (about a minute at 5 s). */
const DETAIL_REFRESH_TICKS = 12;

/** Per-process state kept between ticks. A class so every entry shares one hidden class on the hot path. */
class ProcEntry {
  comm = '';
  stateCode = 0;
  ppid = 0;
  utimeTicks = 0;
  stimeTicks = 0;
  threads = 0;
  vsizeBytes = 0;
  rssPages = 0;
  /** utime + stime at the previous tick; -1 before the first. */
  previousTicks = -1;
  /** CPU ticks used since the previous tick; -1 on first sight. */
  cpuDeltaTicks = -1;
  /** Number of the last tick that saw the process; entries not seen in a tick are pruned. */
  seenTick = 0;
  /** Ranking value for the numeric sort keys (higher ranks first). */
  rankKey = 0;
  /** Latest `io` reading and when it was taken (monotonic ms); -1 when never read. */
  ioReadBytes = -1;
  ioWriteBytes = -1;
  ioAtMs = -1;
  /** The reading before the latest, for rates. */
  previousIoReadBytes = -1;
  previousIoWriteBytes = -1;
  previousIoAtMs = -1;
  /** `io` refused (another user's process, agent not root): not retried for this process. */
  ioDenied = false;
  /** Include rules were tested against this comm and cmdline; reset when comm changes (an exec). */
  includeChecked = false;
  included = false;
  /**
   * Detail that rarely changes, kept between ticks: the formatted command line, the cgroup path and
   * what it says about the owner. Re-read after an exec (comm changed) and every DETAIL_REFRESH_TICKS,
   * so a process moved to another cgroup or rewriting its title is seen within a minute at 5 s.
   */
  command: string | null = null;
  cgroupPath: string | null = null;
  container: ProcessInfo['container'] = null;
  detailTick = -1;

  constructor(
    readonly pid: number,
    readonly dirName: string,
    readonly startTicks: number,
  ) {}
}

function compileIncludes(patterns: readonly string[]): RegExp[] {
  return patterns.map((pattern) => {
    try {
      return new RegExp(pattern);
    } catch (error) {
      throw new Error(
        `invalid processes include pattern ${JSON.stringify(pattern)}: ${(error as Error).message}`,
      );
    }
  });
}

function readFailure(path: string, error: unknown): Error {
  return new Error(`reading ${path}: ${(error as Error).message}`, { cause: error });
}

export function createProcessesCollector(options: ProcessesCollectorOptions = {}): Collector<'processes'> {
  const defaults = DEFAULT_COLLECTORS_CONFIG.processes;
  const sortBy: ProcessSortKey = options.sortBy ?? defaults.sortBy;
  // An implicitly bad number is clamped rather than refused (STYLE.md).
  const limit = Math.max(0, Math.floor(options.limit ?? defaults.limit));
  const maxCommandLength = Math.max(1, Math.floor(options.maxCommandLength ?? defaults.maxCommandLength));
  // Include rules match anywhere in the name or the command line (anchor with ^…$ to match all of it).
  const includes = compileIncludes(options.include ?? defaults.include);
  // Pids always kept in detail (`sysray watch`), checked with one Set lookup per process.
  const includedPids = new Set(options.pids ?? []);

  const entries = new Map<number, ProcEntry>();
  const scratch = createProcStatScratch();
  let tick = 0;
  let previousMs: number | undefined;
  // Host facts and the passwd cache belong to the roots they were read from (compared by value: a caller
  // may build an equal roots object per tick).
  let factsKey = '';
  let users: UserNames | null = null;
  let facts: { bootTime: number; logicalCpus: number | null; pageSizeBytes: number } | null = null;

  /** Boot time, CPU count and page size are fixed while the kernel runs: read once. */
  const loadFacts = (roots: HostRoots): NonNullable<typeof facts> => {
    const statPath = procPath(roots, 'stat');
    let text: string | null;
    try {
      text = readKernelFileSync(statPath);
    } catch (error) {
      throw readFailure(statPath, error);
    }
    if (text === null) throw new Error(`reading ${statPath}: file not found (needed for the boot time)`);
    const summary = parseProcStatSummary(text);
    if (summary.bootTime === null) throw new Error(`reading ${statPath}: no btime line`);
    const countedCpus = summary.logicalCpus > 0 ? summary.logicalCpus : null;
    return {
      bootTime: summary.bootTime,
      logicalCpus: options.logicalCpus ?? countedCpus,
      // Not 4096 by assumption: arm64 and ppc64 kernels run 64 KiB pages (see platform/page-size.ts).
      pageSizeBytes: options.pageSizeBytes ?? readPageSizeBytes(roots) ?? DEFAULT_PAGE_SIZE_BYTES,
    };
  };

  /** Negative when `a` ranks before `b`. */
  const compare = (a: ProcEntry, b: ProcEntry): number => {
    if (sortBy === 'pid') return a.pid - b.pid;
    if (sortBy === 'name') return a.comm < b.comm ? -1 : a.comm > b.comm ? 1 : a.pid - b.pid;
    return b.rankKey - a.rankKey || a.pid - b.pid;
  };

  /** Reads `io`; false when the process is gone, refused, or the kernel lacks task IO accounting. */
  const readIo = (entry: ProcEntry, path: string, nowMs: number): boolean => {
    if (entry.ioAtMs === nowMs) return entry.ioReadBytes >= 0;
    if (entry.ioDenied) return false;
    let text: string | null;
    try {
      text = readKernelFileSync(path);
    } catch (error) {
      // /proc/<pid>/io needs ptrace access (PTRACE_MODE_READ): other users' processes refuse a non-root agent.
      if (isPermissionError(error)) {
        entry.ioDenied = true;
        return false;
      }
      throw readFailure(path, error);
    }
    const io = text === null ? null : parseProcIo(text);
    if (io === null) return false;
    entry.previousIoReadBytes = entry.ioReadBytes;
    entry.previousIoWriteBytes = entry.ioWriteBytes;
    entry.previousIoAtMs = entry.ioAtMs;
    entry.ioReadBytes = io.readBytes;
    entry.ioWriteBytes = io.writeBytes;
    entry.ioAtMs = nowMs;
    return true;
  };

  /** Raw cmdline text; '' when refused (hidepid) and null when the process is gone. */
  const readCmdline = (path: string): string | null => {
    try {
      return readKernelFileSync(path);
    } catch (error) {
      if (isPermissionError(error)) return '';
      throw readFailure(path, error);
    }
  };

  const matchesInclude = (entry: ProcEntry, procDir: string): boolean => {
    if (!entry.includeChecked) {
      // Read once per process image: an exec changes comm, which resets includeChecked.
      const raw = readCmdline(`${procDir}cmdline`) ?? '';
      const command = raw.replaceAll('\0', ' ');
      entry.included = includes.some((re) => re.test(entry.comm) || re.test(command));
      entry.includeChecked = true;
    }
    return entry.included;
  };

  /** Reads `cgroup` and what its path says about the owner into the entry; both null when refused. */
  const readCgroup = (entry: ProcEntry, cgroupPath: string): void => {
    let cgroupText: string | null;
    try {
      cgroupText = readKernelFileSync(cgroupPath);
    } catch (error) {
      if (!isPermissionError(error)) throw readFailure(cgroupPath, error);
      cgroupText = null;
    }
    let path: string | null = null;
    let container: ProcessInfo['container'] = null;
    if (cgroupText !== null) {
      const cgroups = parseProcCgroup(cgroupText);
      // The unified path where there is one (v2 and hybrid hosts), the name=systemd one on v1-only hosts.
      path = cgroups.unified ?? cgroups.systemd;
      if (path !== null) container = analyzeCgroupPath(path).attribution;
      // On hybrid hosts a cgroupfs-driver runtime may place the container in v1 controllers only: a v1
      // path that names a container says more than a unified path that names a systemd unit.
      if (container?.containerId === null) {
        for (const other of cgroups.paths) {
          const attribution = analyzeCgroupPath(other).attribution;
          if (attribution.containerId !== null) {
            container = attribution;
            break;
          }
        }
      }
    }

    entry.cgroupPath = path;
    entry.container = container;
  };

  const detail = (
    entry: ProcEntry,
    procDir: string,
    nowMs: number,
    seconds: number,
    known: NonNullable<typeof facts>,
    names: UserNames,
  ): ProcessInfo | null => {
    const fresh = entry.detailTick >= 0 && tick - entry.detailTick < DETAIL_REFRESH_TICKS;
    if (!fresh) {
      const cmdline = readCmdline(`${procDir}cmdline`);
      if (cmdline === null) return null; // exited since the stat read
      entry.command = formatCommandLine(cmdline, maxCommandLength);
    }
    const statusPath = `${procDir}status`;
    let statusText: string | null;
    try {
      statusText = readKernelFileSync(statusPath);
    } catch (error) {
      if (!isPermissionError(error)) throw readFailure(statusPath, error);
      statusText = '';
    }
    if (statusText === null) return null;
    const status = parseProcStatus(statusText);

    const hasIo = readIo(entry, `${procDir}io`, nowMs);
    const ioSeconds = (entry.ioAtMs - entry.previousIoAtMs) / 1000;
    const hasPreviousIo = hasIo && entry.previousIoAtMs >= 0;

    let openFds: number | null;
    try {
      openFds = listDirSync(`${procDir}fd`).length;
    } catch (error) {
      // fd/ needs ptrace access like io; not an error for another user's process.
      if (!isPermissionError(error)) throw readFailure(`${procDir}fd`, error);
      openFds = null;
    }

    if (!fresh) {
      readCgroup(entry, `${procDir}cgroup`);
      entry.detailTick = tick;
    }

    const cpuPercent =
      entry.cpuDeltaTicks >= 0 && seconds > 0 ? (entry.cpuDeltaTicks / USER_HZ / seconds) * 100 : null;
    return {
      pid: entry.pid,
      ppid: entry.ppid,
      name: scrubText(entry.comm, MAX_NAME_LENGTH),
      command: entry.command ?? '',
      uid: status.uid,
      user: status.uid === null ? null : names.nameOf(status.uid),
      state: String.fromCharCode(entry.stateCode),
      userSeconds: entry.utimeTicks / USER_HZ,
      systemSeconds: entry.stimeTicks / USER_HZ,
      cpuPercent,
      cpuPercentNormalized:
        cpuPercent === null || known.logicalCpus === null ? null : cpuPercent / known.logicalCpus,
      rssBytes: entry.rssPages * known.pageSizeBytes,
      virtualBytes: entry.vsizeBytes,
      swapBytes: status.swapBytes,
      threads: entry.threads,
      openFds,
      ioReadBytes: hasIo ? entry.ioReadBytes : null,
      ioWriteBytes: hasIo ? entry.ioWriteBytes : null,
      ioReadBytesPerSec: hasPreviousIo
        ? counterRate(entry.ioReadBytes, entry.previousIoReadBytes, ioSeconds)
        : null,
      ioWriteBytesPerSec: hasPreviousIo
        ? counterRate(entry.ioWriteBytes, entry.previousIoWriteBytes, ioSeconds)
        : null,
      startTime: known.bootTime + entry.startTicks / USER_HZ,
      cgroupPath: entry.cgroupPath,
      container: entry.container,
    };
  };

  return {
    section: 'processes',
    async collect(context: CollectContext) {
      const { roots, signal } = context;
      const rootsKey = `${roots.proc}\0${roots.sys}\0${roots.rootfs}`;
      if (facts === null || users === null || factsKey !== rootsKey) {
        facts = loadFacts(roots);
        users = createUserNames(roots);
        factsKey = rootsKey;
      }
      users.refresh();

      const nowMs = context.clock.monotonicMs();
      const seconds = intervalSeconds(nowMs, previousMs);
      previousMs = nowMs;
      tick += 1;

      // roots.proc is absolute and normalized (resolveHostRoots), so plain concatenation builds the same
      // paths as procPath() without a path.join per process.
      const procPrefix = `${procPath(roots)}/`;
      const rankByIo = sortBy === 'io';
      const best: ProcEntry[] = [];
      const included: ProcEntry[] = [];
      let total = 0;
      let threads = 0;
      let running = 0;
      let sleeping = 0;
      let blocked = 0;
      let zombie = 0;
      let stopped = 0;
      let idle = 0;

      const dirNames = listDirSync(procPath(roots));
      for (let i = 0; i < dirNames.length; i += 1) {
        if ((i & 255) === 0 && signal.aborted) throw new Error('processes collection aborted (timeout)');
        const dirName = dirNames[i] as string;
        const first = dirName.charCodeAt(0);
        if (first < 48 || first > 57) continue; // self, thread-self, sys, net, …

        const statPath = `${procPrefix}${dirName}/stat`;
        let text: string | null;
        try {
          text = readKernelFileSync(statPath);
        } catch (error) {
          // hidepid=1 (proc(5)) lists every pid but refuses access to others' directories: not ours to see.
          if (isPermissionError(error)) continue;
          throw readFailure(statPath, error);
        }
        // Absent: the process exited between the listing and the read (or it is malformed): skip it.
        if (text === null || !parseProcStatInto(text, scratch)) continue;

        let entry = entries.get(scratch.pid);
        // A pid is reused only by a new process, which has a new start time: key is pid + start time.
        if (entry === undefined || entry.startTicks !== scratch.startTicks) {
          entry = new ProcEntry(scratch.pid, dirName, scratch.startTicks);
          entries.set(scratch.pid, entry);
        }
        const commLength = scratch.commEnd - scratch.commStart;
        if (entry.comm.length !== commLength || !text.startsWith(entry.comm, scratch.commStart)) {
          entry.comm = text.slice(scratch.commStart, scratch.commEnd);
          entry.includeChecked = false;
          entry.detailTick = -1;
        }
        entry.stateCode = scratch.stateCode;
        entry.ppid = scratch.ppid;
        entry.utimeTicks = scratch.utimeTicks;
        entry.stimeTicks = scratch.stimeTicks;
        entry.threads = scratch.threads;
        entry.vsizeBytes = scratch.vsizeBytes;
        entry.rssPages = scratch.rssPages;
        const ticks = scratch.utimeTicks + scratch.stimeTicks;
        entry.cpuDeltaTicks =
          entry.previousTicks < 0 || ticks < entry.previousTicks ? -1 : ticks - entry.previousTicks;
        entry.previousTicks = ticks;
        entry.seenTick = tick;

        total += 1;
        threads += scratch.threads;
        switch (scratch.stateCode) {
          case 82: // R
            running += 1;
            break;
          case 83: // S
            sleeping += 1;
            break;
          case 68: // D
            blocked += 1;
            break;
          case 90: // Z
            zombie += 1;
            break;
          case 84: // T: stopped by a signal
          case 116: // t: stopped by a tracer
            stopped += 1;
            break;
          case 73: // I: idle kernel thread (Linux 4.14+)
            idle += 1;
            break;
          default:
            break;
        }

        if (sortBy === 'cpu') {
          // A process first seen after the first tick started since the previous listing, so all of its
          // CPU time falls in the interval; on the very first tick the cumulative time is all there is.
          entry.rankKey = entry.cpuDeltaTicks >= 0 ? entry.cpuDeltaTicks : ticks;
        } else if (sortBy === 'memory') {
          entry.rankKey = scratch.rssPages;
        } else if (rankByIo) {
          const readable = readIo(entry, `${procPrefix}${dirName}/io`, nowMs);
          const bytes = entry.ioReadBytes + entry.ioWriteBytes;
          const previous = entry.previousIoReadBytes + entry.previousIoWriteBytes;
          entry.rankKey = !readable
            ? -1
            : entry.previousIoAtMs >= 0 && bytes >= previous
              ? bytes - previous
              : bytes;
        }

        // Keep `best` sorted and at most `limit` long: most processes fail the one comparison with its tail.
        if (limit > 0) {
          const tail = best[best.length - 1];
          if (best.length < limit || (tail !== undefined && compare(entry, tail) < 0)) {
            let lo = 0;
            let hi = best.length;
            while (lo < hi) {
              const mid = (lo + hi) >>> 1;
              if (compare(entry, best[mid] as ProcEntry) < 0) hi = mid;
              else lo = mid + 1;
            }
            best.splice(lo, 0, entry);
            if (best.length > limit) best.pop();
          }
        }
        if (includedPids.has(entry.pid)) included.push(entry);
        else if (includes.length > 0 && matchesInclude(entry, `${procPrefix}${dirName}/`))
          included.push(entry);
      }

      // Forget processes that exited.
      for (const [pid, entry] of entries) if (entry.seenTick !== tick) entries.delete(pid);

      let selected = best;
      if (included.length > 0) {
        const chosen = new Set(best);
        selected = [...best, ...included.filter((entry) => !chosen.has(entry))].sort(compare);
      }

      const top: ProcessInfo[] = [];
      for (const entry of selected) {
        const info = detail(entry, `${procPrefix}${entry.dirName}/`, nowMs, seconds, facts, users);
        if (info !== null) top.push(info);
      }

      const counts: ProcessCounts = { total, threads, running, sleeping, blocked, zombie, stopped, idle };
      const data: ProcessesData = { counts, sortedBy: sortBy, top };
      return ok(data);
    },
  };
}
