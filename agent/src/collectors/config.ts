import type { ProcessSortKey } from '@sysray/proto';
import type { NameFilterRules } from './name-filter.js';

/** Options the collectors take; the agent config maps onto this, the CLI fills it from flags. */
export interface CollectorsConfig {
  readonly processes: {
    /** How many processes are kept in detail (top N). */
    readonly limit: number;
    readonly sortBy: ProcessSortKey;
    /** Regular expressions on process name or command line: matching processes are always kept in detail. */
    readonly include: readonly string[];
    /** Longest command line kept, characters. */
    readonly maxCommandLength: number;
    /** Processes always kept in detail by pid (`sysray watch`). */
    readonly pids?: readonly number[];
  };
  readonly disks: NameFilterRules;
  readonly filesystems: {
    readonly mountPoints: NameFilterRules;
    readonly fsTypes: NameFilterRules;
    /** statfs on a hung network mount blocks; give up after this long, milliseconds. */
    readonly statfsTimeoutMs: number;
  };
  readonly network: { readonly interfaces: NameFilterRules };
  readonly cgroups: {
    /** How deep below the root systemd slices and services are reported (containers and pods always are). */
    readonly maxDepth: number;
  };
}

/**
 * Pseudo and virtual filesystems that carry no storage; left out of `filesystems` by default.
 * Network and FUSE filesystems stay in: they are storage an operator watches.
 */
export const PSEUDO_FS_TYPES: readonly string[] = [
  'autofs',
  'binfmt_misc',
  'bpf',
  'cgroup',
  'cgroup2',
  'configfs',
  'debugfs',
  'devpts',
  'devtmpfs',
  'efivarfs',
  'fusectl',
  'hugetlbfs',
  'mqueue',
  'nsfs',
  'overlay',
  'proc',
  'procfs',
  'pstore',
  'ramfs',
  'rpc_pipefs',
  'securityfs',
  'selinuxfs',
  'squashfs',
  'sysfs',
  'tracefs',
  'fuse.lxcfs',
  'fuse.portal',
  'fuse.gvfsd-fuse',
];

export const DEFAULT_COLLECTORS_CONFIG: CollectorsConfig = Object.freeze({
  processes: Object.freeze({ limit: 50, sortBy: 'cpu' as const, include: [], maxCommandLength: 1024 }),
  // ram and loop devices with nothing attached are noise on every host; zram stays (it is swap).
  disks: Object.freeze({ exclude: ['ram\\d+', 'loop\\d+', 'fd\\d+'] }),
  filesystems: Object.freeze({
    mountPoints: Object.freeze({
      exclude: ['/proc(/.*)?', '/sys(/.*)?', '/dev(/.*)?', '/run/credentials/.*'],
    }),
    fsTypes: Object.freeze({ exclude: [...PSEUDO_FS_TYPES.map((t) => t.replace('.', '\\.'))] }),
    statfsTimeoutMs: 2000,
  }),
  network: Object.freeze({ interfaces: Object.freeze({}) }),
  cgroups: Object.freeze({ maxDepth: 3 }),
});
