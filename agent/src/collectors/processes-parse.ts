import { scrubText } from '@sysray/proto';

/**
 * Pure parsers for the per-process files under `/proc/<pid>/` (proc(5), Documentation/filesystems/proc.rst).
 * `parseProcStatInto` runs for every process on every tick, so it scans with indexOf and char codes, writes
 * into a caller-owned record and allocates nothing; the others run only for the processes kept in detail.
 */

/** Fields of `/proc/<pid>/stat` the agent uses. Times are USER_HZ clock ticks, memory as the kernel counts. */
export interface ProcStat {
  readonly pid: number;
  /** `comm`, unscrubbed: at most 15 bytes (TASK_COMM_LEN - 1), any bytes but NUL. */
  readonly comm: string;
  /** One-letter state: R, S, D, Z, T, t, X, I, P (fs/proc/array.c task_state_array). */
  readonly state: string;
  readonly ppid: number;
  /** User and system CPU time, clock ticks. */
  readonly utimeTicks: number;
  readonly stimeTicks: number;
  readonly threads: number;
  /** Start time after boot, clock ticks. */
  readonly startTicks: number;
  /** Virtual memory size, bytes. */
  readonly vsizeBytes: number;
  /** Resident set size, pages. */
  readonly rssPages: number;
}

/**
 * The hot-path form of ProcStat: a record reused across processes. `comm` is given as the index range
 * `[commStart, commEnd)` of the parsed text so an unchanged name costs no new string.
 */
export interface ProcStatScratch {
  pid: number;
  commStart: number;
  commEnd: number;
  /** Char code of the state letter. */
  stateCode: number;
  ppid: number;
  utimeTicks: number;
  stimeTicks: number;
  threads: number;
  startTicks: number;
  vsizeBytes: number;
  rssPages: number;
}

export function createProcStatScratch(): ProcStatScratch {
  return {
    pid: 0,
    commStart: 0,
    commEnd: 0,
    stateCode: 0,
    ppid: 0,
    utimeTicks: 0,
    stimeTicks: 0,
    threads: 0,
    startTicks: 0,
    vsizeBytes: 0,
    rssPages: 0,
  };
}

const SPACE = 32;
const ZERO = 48;
const NINE = 57;

/** Parses the unsigned decimal at `start`; -1 when no digit is there. */
function unsignedAt(text: string, start: number): number {
  let value = 0;
  let i = start;
  for (; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) break;
    value = value * 10 + (c - ZERO);
  }
  return i === start ? -1 : value;
}

/**
 * Parses `/proc/<pid>/stat` into `out`; false when the text is not a stat line.
 *
 * proc(5): `pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime
 * stime cutime cstime priority nice num_threads itrealvalue starttime vsize rss …`. `comm` is whatever the
 * process set with prctl(PR_SET_NAME) and may itself hold spaces and parentheses (`evil) (name`), so the
 * name ends at the LAST `)` of the line; everything after it is space-separated numbers. The fields needed
 * here (through rss, field 24) have been present since Linux 2.6; later kernels only append.
 */
export function parseProcStatInto(text: string, out: ProcStatScratch): boolean {
  const open = text.indexOf(' (');
  const close = text.lastIndexOf(')');
  if (open <= 0 || close <= open || text.charCodeAt(close + 1) !== SPACE) return false;
  const pid = unsignedAt(text, 0);
  if (pid < 0) return false;
  const stateAt = close + 2;
  const stateCode = text.charCodeAt(stateAt);
  if (!(stateCode > SPACE)) return false;

  // Field 3 is the state; walk to fields 4 (ppid) … 24 (rss), parsing only the ones needed.
  let field = 3;
  let pos = stateAt;
  while (field < 24) {
    pos = text.indexOf(' ', pos);
    if (pos < 0) return false;
    pos += 1;
    field += 1;
    switch (field) {
      case 4:
      case 14:
      case 15:
      case 20:
      case 22:
      case 23:
      case 24: {
        const value = unsignedAt(text, pos);
        if (value < 0) return false;
        if (field === 4) out.ppid = value;
        else if (field === 14) out.utimeTicks = value;
        else if (field === 15) out.stimeTicks = value;
        else if (field === 20) out.threads = value;
        else if (field === 22) out.startTicks = value;
        else if (field === 23) out.vsizeBytes = value;
        else out.rssPages = value;
        break;
      }
      default:
        break;
    }
  }
  out.pid = pid;
  out.commStart = open + 2;
  out.commEnd = close;
  out.stateCode = stateCode;
  return true;
}

/** `/proc/<pid>/stat` as a plain record; null for text that is not a stat line. */
export function parseProcStat(text: string): ProcStat | null {
  const scratch = createProcStatScratch();
  if (!parseProcStatInto(text, scratch)) return null;
  return {
    pid: scratch.pid,
    comm: text.slice(scratch.commStart, scratch.commEnd),
    state: String.fromCharCode(scratch.stateCode),
    ppid: scratch.ppid,
    utimeTicks: scratch.utimeTicks,
    stimeTicks: scratch.stimeTicks,
    threads: scratch.threads,
    startTicks: scratch.startTicks,
    vsizeBytes: scratch.vsizeBytes,
    rssPages: scratch.rssPages,
  };
}

/** The value after `key:` on its own line, trimmed; null when the key is absent. */
function statusValue(text: string, key: string): string | null {
  let at = text.startsWith(`${key}:`) ? 0 : text.indexOf(`\n${key}:`);
  if (at < 0) return null;
  if (at > 0) at += 1;
  const start = at + key.length + 1;
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? undefined : end).trim();
}

/** `Uid:` and `VmSwap:` from `/proc/<pid>/status`. */
export interface ProcStatus {
  /** Effective uid (the second `Uid:` column), as ps(1) and top(1) show it; null when absent. */
  readonly uid: number | null;
  /** `VmSwap` in bytes; null when absent (kernel threads and zombies have no mm, Linux < 2.6.34 no line). */
  readonly swapBytes: number | null;
}

export function parseProcStatus(text: string): ProcStatus {
  const uidLine = statusValue(text, 'Uid');
  let uid: number | null = null;
  if (uidLine !== null) {
    // `Uid:\treal\teffective\tsaved\tfilesystem`
    const columns = uidLine.split(/\s+/);
    const effective = Number(columns[1] ?? columns[0]);
    if (columns[0] !== '' && Number.isInteger(effective) && effective >= 0) uid = effective;
  }
  const swapLine = statusValue(text, 'VmSwap');
  let swapBytes: number | null = null;
  if (swapLine !== null) {
    // Always kB in status (fs/proc/task_mmu.c), i.e. KiB.
    const kib = Number(swapLine.replace(/\s*kB$/, ''));
    if (Number.isFinite(kib)) swapBytes = kib * 1024;
  }
  return { uid, swapBytes };
}

/** `read_bytes` and `write_bytes` from `/proc/<pid>/io`: storage IO the process caused, bytes. */
export interface ProcIo {
  readonly readBytes: number;
  readonly writeBytes: number;
}

/** Parses `/proc/<pid>/io` (needs CONFIG_TASK_IO_ACCOUNTING); null when either field is missing. */
export function parseProcIo(text: string): ProcIo | null {
  const read = statusValue(text, 'read_bytes');
  const write = statusValue(text, 'write_bytes');
  if (read === null || write === null) return null;
  const readBytes = Number(read);
  const writeBytes = Number(write);
  if (!Number.isFinite(readBytes) || !Number.isFinite(writeBytes)) return null;
  return { readBytes, writeBytes };
}

/** The two lines of `/proc/<pid>/cgroup` the agent uses. */
export interface ProcCgroup {
  /** Path in the unified (v2) hierarchy: the `0::` line, present on v2 and hybrid hosts. */
  readonly unified: string | null;
  /** Path in the v1 `name=systemd` hierarchy: the process's place on a v1-only host. */
  readonly systemd: string | null;
  /** Every hierarchy's path, v1 controllers included, in file order. */
  readonly paths: readonly string[];
}

/**
 * Parses `/proc/<pid>/cgroup`: `hierarchy-ID:controller-list:cgroup-path` per line (cgroups(7)). The
 * path may contain `:`, so it is everything after the second colon. On v1-only hosts there is no `0::`
 * line: it appears once cgroup2 has been mounted (kernel/cgroup/cgroup.c, cgrp_dfl_visible).
 */
export function parseProcCgroup(text: string): ProcCgroup {
  let unified: string | null = null;
  let systemd: string | null = null;
  const paths: string[] = [];
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = first < 0 ? -1 : line.indexOf(':', first + 1);
    if (second < 0) continue;
    const path = line.slice(second + 1);
    if (!path.startsWith('/')) continue;
    paths.push(path);
    const hierarchy = line.slice(0, first);
    const controllers = line.slice(first + 1, second);
    if (hierarchy === '0' && controllers === '') unified = path;
    else if (controllers.split(',').includes('name=systemd')) systemd = path;
  }
  return { unified, systemd, paths };
}

/**
 * `/proc/<pid>/cmdline` (arguments separated and terminated by NUL; empty for kernel threads and zombies)
 * as one line: arguments joined by spaces, bounded to `maxLength` and scrubbed of control characters. A
 * process that rewrote its argv (setproctitle) gives one space-separated string. Credentials are left in:
 * masking them is redact.ts's job (redactSnapshot), on the way out of the agent and under its config.
 */
export function formatCommandLine(raw: string, maxLength: number): string {
  let end = raw.length;
  while (end > 0 && raw.charCodeAt(end - 1) === 0) end -= 1;
  if (end === 0) return '';
  return scrubText(raw.slice(0, end).replaceAll('\0', ' '), maxLength);
}

/** What `<proc>/stat` says once per agent lifetime: boot time and the number of CPUs. */
export interface ProcStatSummary {
  /** `btime`, Unix epoch seconds; null when the line is missing. */
  readonly bootTime: number | null;
  /** Count of `cpuN` lines (online logical CPUs). */
  readonly logicalCpus: number;
}

export function parseProcStatSummary(text: string): ProcStatSummary {
  let bootTime: number | null = null;
  let logicalCpus = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('cpu')) {
      const c = line.charCodeAt(3);
      if (c >= ZERO && c <= NINE) logicalCpus += 1;
    } else if (line.startsWith('btime ')) {
      const value = Number(line.slice(6).trim());
      if (Number.isFinite(value)) bootTime = value;
    }
  }
  return { bootTime, logicalCpus };
}
