import type { ProcessSortKey, SectionName } from '@sysray/proto';
import { SECTION_NAMES } from '@sysray/proto';
import { DEFAULT_COLLECTORS_CONFIG } from '../collectors/config.js';
import { DEFAULT_REDACTION_PATTERNS } from '../redact.js';
import type { ValueType } from './values.js';
import {
  boolean,
  duration,
  integer,
  listen,
  oneOf,
  optional,
  regexList,
  sectionList,
  string,
  stringMap,
} from './values.js';

/** Log levels pino knows, plus `silent`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const PROCESS_SORT_KEYS: readonly ProcessSortKey[] = ['cpu', 'memory', 'io', 'pid', 'name'];

/**
 * The agent's configuration after defaults, file, environment and flags are merged and validated. Every
 * duration is milliseconds (`…Ms`); the object is deeply frozen.
 */
export interface AgentConfig {
  readonly agent: {
    /** Default collection interval, milliseconds. */
    readonly intervalMs: number;
    /** Per-collector intervals overriding `intervalMs`, milliseconds. */
    readonly intervalsMs: Readonly<Partial<Record<SectionName, number>>>;
    /** Longest one collector may run before its section becomes an error, milliseconds. */
    readonly collectorTimeoutMs: number;
    /** Collectors that run, by Snapshot section. */
    readonly collectors: readonly SectionName[];
    /** Host roots; null proc/sys roots mean `<rootfs>/proc` and `<rootfs>/sys`. */
    readonly procRoot: string | null;
    readonly sysRoot: string | null;
    readonly rootfs: string;
  };
  readonly collectors: {
    readonly processes: {
      readonly limit: number;
      readonly sortBy: ProcessSortKey;
      readonly include: readonly string[];
      /** Characters. */
      readonly maxCommandLength: number;
    };
    readonly disks: { readonly include: readonly string[]; readonly exclude: readonly string[] };
    readonly filesystems: {
      /** Mount-point patterns. */
      readonly include: readonly string[];
      readonly exclude: readonly string[];
      readonly fsTypeInclude: readonly string[];
      readonly fsTypeExclude: readonly string[];
      /** Milliseconds. */
      readonly statfsTimeoutMs: number;
    };
    readonly network: { readonly include: readonly string[]; readonly exclude: readonly string[] };
    readonly cgroups: { readonly maxDepth: number };
  };
  readonly redaction: {
    readonly enabled: boolean;
    /** Regexes on argument and variable names whose values are masked. */
    readonly patterns: readonly string[];
    /** Regexes whose whole match is masked wherever it appears. */
    readonly valuePatterns: readonly string[];
  };
  readonly http: {
    readonly enabled: boolean;
    /** `host:port`. */
    readonly listen: string;
    /** Bearer token for `/snapshot`; required when `listen` is not loopback. */
    readonly token: string | null;
  };
  readonly exporters: {
    readonly prometheus: { readonly enabled: boolean };
    readonly otlp: {
      readonly enabled: boolean;
      readonly endpoint: string;
      readonly headers: Readonly<Record<string, string>>;
      readonly insecure: boolean;
      readonly caFile: string | null;
      readonly certFile: string | null;
      readonly keyFile: string | null;
      readonly compression: 'none' | 'gzip';
      /** Per-export deadline, milliseconds. */
      readonly timeoutMs: number;
      /** Export interval, milliseconds. */
      readonly intervalMs: number;
      readonly temporality: 'cumulative' | 'delta' | 'lowmemory';
    };
  };
  readonly logging: { readonly level: LogLevel; readonly format: 'json' | 'pretty' };
}

/** One configuration key: its TOML path, type, default, and the environment variable and flag that set it. */
export interface KeySpec<T = unknown> {
  /** Dotted TOML path, e.g. `collectors.processes.limit`. */
  readonly key: string;
  readonly type: ValueType<T>;
  readonly default: T;
  readonly description: string;
  /** `SYSRAY_` + the path upper-cased with dots as underscores. */
  readonly env: string;
  /** Older or shorter names also read (lower precedence than `env`). */
  readonly envAliases: readonly string[];
  /** The `sysray agent` flag, when there is one. */
  readonly flag: string | null;
  /** Masked by `sysray config print` and in logs. */
  readonly secret: boolean;
}

/** `collectors.processes.limit` → `SYSRAY_COLLECTORS_PROCESSES_LIMIT`. */
export function envNameFor(key: string): string {
  return `SYSRAY_${key.replace(/[.-]/g, '_').toUpperCase()}`;
}

interface KeyExtras {
  readonly flag?: string;
  readonly envAliases?: readonly string[];
  readonly secret?: boolean;
}

function spec<T>(
  key: string,
  type: ValueType<T>,
  defaultValue: T,
  description: string,
  extras: KeyExtras = {},
): KeySpec {
  return Object.freeze({
    key,
    type: type as ValueType<unknown>,
    default: defaultValue,
    description,
    env: envNameFor(key),
    envAliases: Object.freeze([...(extras.envAliases ?? [])]),
    flag: extras.flag ?? null,
    secret: extras.secret ?? false,
  });
}

const collectorDefaults = DEFAULT_COLLECTORS_CONFIG;
const list = (values: readonly string[] | undefined): readonly string[] => Object.freeze([...(values ?? [])]);

/** Every key the configuration accepts, in the order `config print` and the docs show them. */
export const CONFIG_KEYS: readonly KeySpec[] = Object.freeze([
  spec('agent.interval', duration(100, 3_600_000), 5000, 'Default collection interval of every collector.', {
    flag: '--interval',
  }),
  spec(
    'agent.collector_timeout',
    duration(10, 600_000),
    10_000,
    'Longest one collector may run; past it its section is an error and the cycle goes on.',
    { flag: '--collector-timeout' },
  ),
  spec('agent.collectors', sectionList, SECTION_NAMES, 'Collectors that run, by Snapshot section.', {
    flag: '--collectors',
  }),
  spec(
    'agent.rootfs',
    string({ nonEmpty: true }),
    '/',
    "Where the host's / is mounted (/host in a container).",
    {
      flag: '--rootfs',
      envAliases: ['SYSRAY_ROOTFS'],
    },
  ),
  spec(
    'agent.proc_root',
    optional(string({ nonEmpty: true })),
    null,
    'Host proc filesystem; unset: <rootfs>/proc.',
    {
      flag: '--proc-root',
      envAliases: ['SYSRAY_PROC_ROOT'],
    },
  ),
  spec('agent.sys_root', optional(string({ nonEmpty: true })), null, 'Host sysfs; unset: <rootfs>/sys.', {
    flag: '--sys-root',
    envAliases: ['SYSRAY_SYS_ROOT'],
  }),
  ...SECTION_NAMES.map((section) =>
    spec(
      `agent.intervals.${section}`,
      optional(duration(100, 86_400_000)),
      null,
      `Interval of the ${section} collector; unset: agent.interval.`,
    ),
  ),
  spec(
    'collectors.processes.limit',
    integer(1, 100_000),
    collectorDefaults.processes.limit,
    'Processes kept in detail (top N).',
    {
      flag: '--process-limit',
    },
  ),
  spec(
    'collectors.processes.sort_by',
    oneOf(PROCESS_SORT_KEYS),
    collectorDefaults.processes.sortBy,
    'What the top N is ranked by.',
  ),
  spec(
    'collectors.processes.include',
    regexList,
    list(collectorDefaults.processes.include),
    'Regexes on process name or command line; matching processes are always kept in detail.',
  ),
  spec(
    'collectors.processes.max_command_length',
    integer(0, 65_536),
    collectorDefaults.processes.maxCommandLength,
    'Longest command line kept, characters.',
  ),
  spec(
    'collectors.disks.include',
    regexList,
    list(collectorDefaults.disks.include),
    'Block devices reported (anchored regexes; empty: all).',
  ),
  spec(
    'collectors.disks.exclude',
    regexList,
    list(collectorDefaults.disks.exclude),
    'Block devices left out (wins over include).',
  ),
  spec(
    'collectors.filesystems.include',
    regexList,
    list(collectorDefaults.filesystems.mountPoints.include),
    'Mount points reported (anchored regexes; empty: all).',
  ),
  spec(
    'collectors.filesystems.exclude',
    regexList,
    list(collectorDefaults.filesystems.mountPoints.exclude),
    'Mount points left out.',
  ),
  spec(
    'collectors.filesystems.fs_type_include',
    regexList,
    list(collectorDefaults.filesystems.fsTypes.include),
    'Filesystem types reported (empty: all).',
  ),
  spec(
    'collectors.filesystems.fs_type_exclude',
    regexList,
    list(collectorDefaults.filesystems.fsTypes.exclude),
    'Filesystem types left out (pseudo filesystems by default).',
  ),
  spec(
    'collectors.filesystems.statfs_timeout',
    duration(10, 60_000),
    collectorDefaults.filesystems.statfsTimeoutMs,
    'Give up on a hung mount (stale NFS) after this long.',
  ),
  spec(
    'collectors.network.include',
    regexList,
    list(collectorDefaults.network.interfaces.include),
    'Interfaces reported (empty: all).',
  ),
  spec(
    'collectors.network.exclude',
    regexList,
    list(collectorDefaults.network.interfaces.exclude),
    'Interfaces left out.',
  ),
  spec(
    'collectors.cgroups.max_depth',
    integer(0, 64),
    collectorDefaults.cgroups.maxDepth,
    'How deep below the root slices and services are reported (containers and pods always are).',
  ),
  spec(
    'redaction.enabled',
    boolean,
    true,
    'Mask secrets in command lines before a Snapshot leaves the agent.',
  ),
  spec(
    'redaction.patterns',
    regexList,
    DEFAULT_REDACTION_PATTERNS,
    'Case-insensitive regexes on argument and variable names whose values are masked (--name=v, --name v, NAME=v).',
  ),
  spec(
    'redaction.value_patterns',
    regexList,
    Object.freeze([]),
    'Regexes whose whole match is masked anywhere in a command line.',
  ),
  spec('http.enabled', boolean, true, 'Serve /metrics, /snapshot, /healthz and /readyz.'),
  spec('http.listen', listen, '127.0.0.1:9464', 'Address of the HTTP endpoint, host:port.', {
    flag: '--listen',
  }),
  spec(
    'http.token',
    optional(string({ nonEmpty: true })),
    null,
    'Bearer token required by /snapshot; mandatory when listen is not a loopback address.',
    { secret: true },
  ),
  spec('exporters.prometheus.enabled', boolean, true, 'Expose Prometheus text on /metrics.', {
    flag: '--[no-]prometheus',
  }),
  spec('exporters.otlp.enabled', boolean, false, 'Push metrics over OTLP/gRPC.', { flag: '--[no-]otlp' }),
  spec(
    'exporters.otlp.endpoint',
    string({ nonEmpty: true }),
    'http://localhost:4317',
    'OTLP/gRPC endpoint: http://host:port (plaintext), https://host:port (TLS) or host:port.',
    {
      flag: '--otlp-endpoint',
    },
  ),
  spec(
    'exporters.otlp.headers',
    stringMap,
    Object.freeze({}),
    'gRPC metadata sent with every export (values are secret).',
    {
      secret: true,
    },
  ),
  spec(
    'exporters.otlp.insecure',
    boolean,
    false,
    'Allow plaintext gRPC: needed for http:// to a non-loopback host; selects plaintext for a scheme-less host:port.',
  ),
  spec(
    'exporters.otlp.ca_file',
    optional(string({ nonEmpty: true })),
    null,
    'PEM CA bundle to verify the server with.',
  ),
  spec(
    'exporters.otlp.cert_file',
    optional(string({ nonEmpty: true })),
    null,
    'PEM client certificate (mutual TLS).',
  ),
  spec(
    'exporters.otlp.key_file',
    optional(string({ nonEmpty: true })),
    null,
    'PEM client private key (mutual TLS).',
  ),
  spec(
    'exporters.otlp.compression',
    oneOf(['none', 'gzip'] as const),
    'none',
    'Compression of export requests.',
  ),
  spec('exporters.otlp.timeout', duration(100, 300_000), 10_000, 'Deadline of one export.'),
  spec('exporters.otlp.interval', duration(1000, 3_600_000), 60_000, 'How often metrics are pushed.'),
  spec(
    'exporters.otlp.temporality',
    oneOf(['cumulative', 'delta', 'lowmemory'] as const),
    'cumulative',
    'Aggregation temporality of sums (OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE values).',
  ),
  spec('logging.level', oneOf(LOG_LEVELS), 'info', 'Lowest level logged.', { flag: '--log-level' }),
  spec(
    'logging.format',
    oneOf(['json', 'pretty'] as const),
    'json',
    'json: one JSON object per line; pretty: for a terminal.',
    {
      flag: '--log-format',
    },
  ),
]);

export const CONFIG_KEY_MAP: ReadonlyMap<string, KeySpec> = new Map(CONFIG_KEYS.map((k) => [k.key, k]));

/** Tables that may appear in the file (every prefix of a key path). */
export const CONFIG_TABLES: ReadonlySet<string> = new Set(
  CONFIG_KEYS.flatMap((k) => {
    const parts = k.key.split('.');
    return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('.'));
  }),
);

/** Typed values by key path, as the loader merges them. */
export type ConfigValues = ReadonlyMap<string, unknown>;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/** Builds the typed, frozen config from merged values; keys not in `values` take their defaults. */
export function buildAgentConfig(values: ConfigValues = new Map()): AgentConfig {
  const get = <T>(key: string): T => {
    if (values.has(key)) return values.get(key) as T;
    const known = CONFIG_KEY_MAP.get(key);
    if (!known) throw new Error(`no config key ${key}`);
    return known.default as T;
  };
  const intervalsMs: Partial<Record<SectionName, number>> = {};
  for (const section of SECTION_NAMES) {
    const ms = get<number | null>(`agent.intervals.${section}`);
    if (ms !== null) intervalsMs[section] = ms;
  }
  const copy = <T>(key: string): T => structuredClone(get<T>(key));
  return deepFreeze<AgentConfig>({
    agent: {
      intervalMs: get('agent.interval'),
      intervalsMs,
      collectorTimeoutMs: get('agent.collector_timeout'),
      collectors: copy('agent.collectors'),
      procRoot: get('agent.proc_root'),
      sysRoot: get('agent.sys_root'),
      rootfs: get('agent.rootfs'),
    },
    collectors: {
      processes: {
        limit: get('collectors.processes.limit'),
        sortBy: get('collectors.processes.sort_by'),
        include: copy('collectors.processes.include'),
        maxCommandLength: get('collectors.processes.max_command_length'),
      },
      disks: { include: copy('collectors.disks.include'), exclude: copy('collectors.disks.exclude') },
      filesystems: {
        include: copy('collectors.filesystems.include'),
        exclude: copy('collectors.filesystems.exclude'),
        fsTypeInclude: copy('collectors.filesystems.fs_type_include'),
        fsTypeExclude: copy('collectors.filesystems.fs_type_exclude'),
        statfsTimeoutMs: get('collectors.filesystems.statfs_timeout'),
      },
      network: { include: copy('collectors.network.include'), exclude: copy('collectors.network.exclude') },
      cgroups: { maxDepth: get('collectors.cgroups.max_depth') },
    },
    redaction: {
      enabled: get('redaction.enabled'),
      patterns: copy('redaction.patterns'),
      valuePatterns: copy('redaction.value_patterns'),
    },
    http: { enabled: get('http.enabled'), listen: get('http.listen'), token: get('http.token') },
    exporters: {
      prometheus: { enabled: get('exporters.prometheus.enabled') },
      otlp: {
        enabled: get('exporters.otlp.enabled'),
        endpoint: get('exporters.otlp.endpoint'),
        headers: copy('exporters.otlp.headers'),
        insecure: get('exporters.otlp.insecure'),
        caFile: get('exporters.otlp.ca_file'),
        certFile: get('exporters.otlp.cert_file'),
        keyFile: get('exporters.otlp.key_file'),
        compression: get('exporters.otlp.compression'),
        timeoutMs: get('exporters.otlp.timeout'),
        intervalMs: get('exporters.otlp.interval'),
        temporality: get('exporters.otlp.temporality'),
      },
    },
    logging: { level: get('logging.level'), format: get('logging.format') },
  });
}

/** The defaults alone. */
export const DEFAULT_AGENT_CONFIG: AgentConfig = buildAgentConfig();
