import type { CgroupIoDevice } from '@sysray/proto';
import { parseFlatKeyed } from './parse-util.js';

/**
 * Pure parsers for cgroup v2 interface files (Documentation/admin-guide/cgroup-v2.rst) and for the cgroup
 * lines of mountinfo. The readers in cgroups.ts hand them file text; they do no I/O.
 */

/** A cgroup filesystem from mountinfo. */
export interface CgroupMount {
  /** Where it is mounted, as the host sees it (`/sys/fs/cgroup`). */
  readonly mountPoint: string;
  /** The hierarchy's directory the mount shows (`/` unless a cgroup namespace or bind mount narrowed it). */
  readonly root: string;
}

export interface CgroupMounts {
  /** `cgroup2` mounts, in file order. */
  readonly unified: readonly CgroupMount[];
  /** `cgroup` (v1) mounts, in file order. */
  readonly v1: readonly CgroupMount[];
}

/** mountinfo escapes space, tab, newline and backslash in paths as `\040`, `\011`, `\012`, `\134`. */
function unescapeMountPath(text: string): string {
  return text.includes('\\')
    ? text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)))
    : text;
}

/**
 * Finds cgroup mounts in `/proc/<pid>/mountinfo` (proc(5)): `id parent major:minor root mount-point
 * options [optional fields…] - fstype source super-options`. The optional fields vary in number, so the
 * filesystem type is the first field after the lone `-`.
 */
export function parseCgroupMounts(text: string): CgroupMounts {
  const unified: CgroupMount[] = [];
  const v1: CgroupMount[] = [];
  for (const line of text.split('\n')) {
    // A Kubernetes node has hundreds of overlay mounts; split only the lines that can be cgroup mounts.
    if (!line.includes(' - cgroup')) continue;
    const parts = line.split(' ');
    const separator = parts.indexOf('-', 6);
    if (separator < 0) continue;
    const fsType = parts[separator + 1];
    if (fsType !== 'cgroup2' && fsType !== 'cgroup') continue;
    const mount: CgroupMount = {
      root: unescapeMountPath(parts[3] ?? '/'),
      mountPoint: unescapeMountPath(parts[4] ?? ''),
    };
    if (mount.mountPoint === '') continue;
    (fsType === 'cgroup2' ? unified : v1).push(mount);
  }
  return { unified, v1 };
}

/** Where cgroup2 lives and how the host is laid out; null on a cgroup v1-only host. */
export interface CgroupLayout {
  readonly mode: 'v2' | 'hybrid';
  readonly mountPoint: string;
}

export const UNIFIED_MOUNT_POINT = '/sys/fs/cgroup';

/**
 * A cgroup2 mount at /sys/fs/cgroup is the unified layout (systemd's default since v243 and in every
 * current distribution). A cgroup2 mount elsewhere (systemd's hybrid layout puts it at
 * /sys/fs/cgroup/unified) beside v1 controller mounts is hybrid: the controllers are bound to v1 and the
 * unified tree carries only core files (cpu.stat, pressure).
 */
export function cgroupLayout(mounts: CgroupMounts): CgroupLayout | null {
  const atDefault = mounts.unified.find((mount) => mount.mountPoint === UNIFIED_MOUNT_POINT);
  if (atDefault !== undefined) return { mode: 'v2', mountPoint: atDefault.mountPoint };
  const systemdHybrid = mounts.unified.find((mount) => mount.mountPoint === `${UNIFIED_MOUNT_POINT}/unified`);
  const chosen = systemdHybrid ?? mounts.unified[0];
  if (chosen === undefined) return null;
  return { mode: mounts.v1.length > 0 ? 'hybrid' : 'v2', mountPoint: chosen.mountPoint };
}

/** `cpu.stat` (usage_usec, user_usec, system_usec; nr_periods, nr_throttled, throttled_usec with the cpu controller). */
export interface CgroupCpuStat {
  readonly usageUsec: number;
  readonly userUsec: number;
  readonly systemUsec: number;
  /** Only when the cpu controller is enabled for the cgroup; null otherwise (the root, hybrid hosts). */
  readonly periods: number | null;
  readonly throttledPeriods: number | null;
  readonly throttledUsec: number | null;
}

/** Parses `cpu.stat`; null when `usage_usec` is missing. */
export function parseCgroupCpuStat(text: string): CgroupCpuStat | null {
  const values = parseFlatKeyed(text);
  const usageUsec = values.get('usage_usec');
  if (usageUsec === undefined) return null;
  return {
    usageUsec,
    userUsec: values.get('user_usec') ?? 0,
    systemUsec: values.get('system_usec') ?? 0,
    periods: values.get('nr_periods') ?? null,
    throttledPeriods: values.get('nr_throttled') ?? null,
    throttledUsec: values.get('throttled_usec') ?? null,
  };
}

/**
 * `cpu.max` is `$MAX $PERIOD` in microseconds, `max` for no quota (cgroup-v2.rst). Returns the limit in
 * cores (quota / period), null for `max` or unparsable text.
 */
export function parseCgroupCpuMax(text: string): number | null {
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === undefined || quota === 'max' || quota === '') return null;
  const quotaUsec = Number(quota);
  const periodUsec = Number(period ?? '100000');
  if (!Number.isFinite(quotaUsec) || !(periodUsec > 0)) return null;
  return quotaUsec / periodUsec;
}

/**
 * Parses `io.stat`: one line per device, `MAJ:MIN rbytes=… wbytes=… rios=… wios=… dbytes=… dios=…`.
 * Discard fields exist since Linux 4.19; missing keys read 0. Lines without a `MAJ:MIN` are skipped, and
 * so are keys this kernel adds that the model does not carry (cost.* with iocost, for example).
 */
export function parseCgroupIoStat(text: string): CgroupIoDevice[] {
  const devices: CgroupIoDevice[] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    const devNumber = parts[0] ?? '';
    const colon = devNumber.indexOf(':');
    if (colon <= 0 || colon === devNumber.length - 1) continue;
    const values = new Map<string, number>();
    for (const pair of parts.slice(1)) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const value = Number(pair.slice(eq + 1));
      if (Number.isFinite(value)) values.set(pair.slice(0, eq), value);
    }
    devices.push({
      devNumber,
      readBytes: values.get('rbytes') ?? 0,
      writeBytes: values.get('wbytes') ?? 0,
      readOps: values.get('rios') ?? 0,
      writeOps: values.get('wios') ?? 0,
      discardBytes: values.get('dbytes') ?? 0,
      discardOps: values.get('dios') ?? 0,
    });
  }
  return devices;
}

/** The `memory.stat` fields the model carries, bytes; each null when this kernel does not report it. */
export interface CgroupMemoryStat {
  readonly anon: number | null;
  readonly file: number | null;
  /** `kernel` is in memory.stat since Linux 5.18. */
  readonly kernel: number | null;
  readonly sock: number | null;
  readonly shmem: number | null;
  /** The parts `kernel` sums on Linux 5.18+, summed here for older kernels (kernel_stack, pagetables, percpu, slab, vmalloc). */
  readonly kernelParts: number;
}

export function parseCgroupMemoryStat(text: string): CgroupMemoryStat {
  const values = parseFlatKeyed(text);
  let kernelParts = 0;
  for (const key of ['kernel_stack', 'pagetables', 'percpu', 'slab', 'vmalloc'])
    kernelParts += values.get(key) ?? 0;
  return {
    anon: values.get('anon') ?? null,
    file: values.get('file') ?? null,
    kernel: values.get('kernel') ?? null,
    sock: values.get('sock') ?? null,
    shmem: values.get('shmem') ?? null,
    kernelParts,
  };
}

/** Cumulative `memory.events` counts; missing keys read 0. */
export function parseCgroupMemoryEvents(text: string): {
  low: number;
  high: number;
  max: number;
  oom: number;
  oomKill: number;
} {
  const values = parseFlatKeyed(text);
  return {
    low: values.get('low') ?? 0,
    high: values.get('high') ?? 0,
    max: values.get('max') ?? 0,
    oom: values.get('oom') ?? 0,
    oomKill: values.get('oom_kill') ?? 0,
  };
}
