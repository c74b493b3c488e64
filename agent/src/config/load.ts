import { accessSync, constants, readFileSync } from 'node:fs';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { AgentConfig, KeySpec } from './schema.js';
import { buildAgentConfig, CONFIG_KEY_MAP, CONFIG_KEYS, CONFIG_TABLES } from './schema.js';
import { OtlpConfigError, resolveOtlpOptions, type OtlpGrpcOptions } from '../export/otlp-grpc.js';
import { keyLines, lineOf } from './locate.js';
import { isLoopbackHost, parseListen, suggestion, ValueError } from './values.js';

/** Where the agent looks when neither `--config` nor `SYSRAY_CONFIG` names a file. */
export const DEFAULT_CONFIG_PATH = '/etc/sysray/sysray.toml';

/** Where a value came from, so an error can point at the line, variable or flag to fix. */
export type ValueOrigin =
  | { readonly kind: 'default' }
  | { readonly kind: 'file'; readonly path: string; readonly line?: number; readonly column?: number }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'flag'; readonly name: string };

export interface ConfigIssue {
  /** Dotted key path; '' for problems with the file as a whole. */
  readonly key: string;
  readonly message: string;
  readonly origin: ValueOrigin;
}

/** `/etc/sysray/sysray.toml:12`, `env SYSRAY_HTTP_LISTEN`, `flag --listen`, `default`. */
export function describeOrigin(origin: ValueOrigin): string {
  switch (origin.kind) {
    case 'file':
      return origin.line === undefined
        ? origin.path
        : `${origin.path}:${origin.line}${origin.column === undefined ? '' : `:${origin.column}`}`;
    case 'env':
      return `env ${origin.name}`;
    case 'flag':
      return `flag ${origin.name}`;
    default:
      return 'default';
  }
}

export function formatIssue(issue: ConfigIssue): string {
  return `${describeOrigin(issue.origin)}: ${issue.key === '' ? '' : `${issue.key}: `}${issue.message}`;
}

/** Every problem found in one load, reported together so one run of `config check` shows them all. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      `invalid configuration (${issues.length} ${issues.length === 1 ? 'error' : 'errors'}):\n${issues
        .map((issue) => `  ${formatIssue(issue)}`)
        .join('\n')}`,
    );
  }
}

/** A value given on the command line, keyed by config key; the flag name comes from the key's spec. */
export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

export interface LoadConfigOptions {
  /** `--config`: a missing file named here is an error. */
  readonly configPath?: string | undefined;
  /** Environment (`SYSRAY_CONFIG` and `SYSRAY_<SECTION>_<KEY>`); `process.env` in the agent. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly flags?: FlagValues;
  /** The file read when none is named; a missing one means defaults. */
  readonly defaultPath?: string;
}

export interface LoadedConfig {
  readonly config: AgentConfig;
  /** The file read, or null when none existed at the default path. */
  readonly file: string | null;
  /** Typed values of the keys set by the file, environment or flags (others are defaults). */
  readonly values: ReadonlyMap<string, unknown>;
  /** Where each key's value came from (keys not listed are defaults). */
  readonly origins: ReadonlyMap<string, ValueOrigin>;
}

/** Top-level sections that hold configuration keys: a `SYSRAY_<SECTION>_…` variable must name one of their keys. */
const ENV_SECTION_PREFIXES = [...new Set(CONFIG_KEYS.map((k) => k.env.split('_')[1] ?? ''))].map(
  (section) => `SYSRAY_${section}_`,
);

function isPlainTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function childNames(prefix: string): string[] {
  const depth = prefix === '' ? 0 : prefix.split('.').length;
  const names = new Set<string>();
  for (const path of [...CONFIG_KEY_MAP.keys(), ...CONFIG_TABLES]) {
    if (prefix !== '' && !path.startsWith(`${prefix}.`)) continue;
    const part = path.split('.')[depth];
    if (part !== undefined) names.add(part);
  }
  return [...names];
}

/** "did you mean" for an unknown key: a sibling near miss, else the same name in another table. */
function unknownKeyHint(prefix: string, name: string): string {
  const near = suggestion(name, childNames(prefix));
  if (near !== '')
    return near.replace(/"([^"]+)"/, (_, n: string) => `"${prefix === '' ? n : `${prefix}.${n}`}"`);
  const elsewhere = [...CONFIG_KEY_MAP.keys(), ...CONFIG_TABLES].find(
    (path) => path.split('.').pop() === name,
  );
  return elsewhere === undefined ? '' : ` (did you mean "${elsewhere}"?)`;
}

interface Collected {
  readonly values: Map<string, unknown>;
  readonly origins: Map<string, ValueOrigin>;
  readonly issues: ConfigIssue[];
}

/** Validates parsed TOML against the schema, recording every issue with its line. */
function collectFile(table: Record<string, unknown>, source: string, file: string, into: Collected): void {
  const lines = keyLines(source);
  const at = (key: string): ValueOrigin => {
    const line = lineOf(lines, key);
    return line === undefined ? { kind: 'file', path: file } : { kind: 'file', path: file, line };
  };
  const walk = (node: Record<string, unknown>, prefix: string): void => {
    for (const [name, value] of Object.entries(node)) {
      const key = prefix === '' ? name : `${prefix}.${name}`;
      const spec = CONFIG_KEY_MAP.get(key);
      if (spec !== undefined) {
        try {
          into.values.set(key, spec.type.fromToml(value));
          into.origins.set(key, at(key));
        } catch (error) {
          if (!(error instanceof ValueError)) throw error;
          into.issues.push({ key, message: error.message, origin: at(key) });
        }
      } else if (CONFIG_TABLES.has(key)) {
        if (isPlainTable(value)) walk(value, key);
        else into.issues.push({ key, message: `must be a table ([${key}])`, origin: at(key) });
      } else {
        into.issues.push({ key, message: `unknown key${unknownKeyHint(prefix, name)}`, origin: at(key) });
      }
    }
  };
  walk(table, '');
}

function collectText(spec: KeySpec, text: string, origin: ValueOrigin, into: Collected): void {
  try {
    into.values.set(spec.key, spec.type.fromText(text));
    into.origins.set(spec.key, origin);
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    into.issues.push({ key: spec.key, message: error.message, origin });
  }
}

function collectEnv(env: Readonly<Record<string, string | undefined>>, into: Collected): void {
  const known = new Set<string>(['SYSRAY_CONFIG']);
  for (const spec of CONFIG_KEYS) {
    known.add(spec.env);
    for (const alias of spec.envAliases) known.add(alias);
    // An empty variable counts as unset, the common shell and Kubernetes convention.
    const name = [spec.env, ...spec.envAliases].find((n) => (env[n] ?? '') !== '');
    if (name !== undefined) collectText(spec, env[name] ?? '', { kind: 'env', name }, into);
  }
  // A variable in a configuration section's namespace that names no key is a typo, not someone else's.
  for (const name of Object.keys(env)) {
    if (known.has(name) || !ENV_SECTION_PREFIXES.some((p) => name.startsWith(p))) continue;
    const hint = suggestion(
      name,
      CONFIG_KEYS.map((k) => k.env),
    );
    into.issues.push({
      key: '',
      message: `unknown configuration variable${hint}`,
      origin: { kind: 'env', name },
    });
  }
}

function collectFlags(flags: FlagValues, into: Collected): void {
  for (const [key, value] of Object.entries(flags)) {
    if (value === undefined) continue;
    const spec = CONFIG_KEY_MAP.get(key);
    if (spec === undefined) throw new Error(`flag mapped to unknown config key ${key}`);
    const name = (spec.flag ?? `--${key}`).replace(
      '[no-]',
      typeof value === 'boolean' && !value ? 'no-' : '',
    );
    collectText(spec, String(value), { kind: 'flag', name }, into);
  }
}

/** OTLP exporter option names (as OtlpConfigError reports them) to config keys. */
const OTLP_OPTION_KEYS: Readonly<Record<string, string>> = {
  endpoint: 'exporters.otlp.endpoint',
  headers: 'exporters.otlp.headers',
  insecure: 'exporters.otlp.insecure',
  caFile: 'exporters.otlp.ca_file',
  clientCertFile: 'exporters.otlp.cert_file',
  clientKeyFile: 'exporters.otlp.key_file',
  compression: 'exporters.otlp.compression',
  timeoutMs: 'exporters.otlp.timeout',
  intervalMs: 'exporters.otlp.interval',
  temporality: 'exporters.otlp.temporality',
};

/**
 * The OTLP exporter options the configuration sets. Keys left at their defaults are left out, so the
 * standard OTEL_EXPORTER_OTLP_* variables still apply to them (below sysray's own sources in precedence).
 */
export function otlpOptionsFrom(
  config: AgentConfig,
  origins: ReadonlyMap<string, ValueOrigin>,
): OtlpGrpcOptions {
  const otlp = config.exporters.otlp;
  const set = (key: string): boolean => origins.has(`exporters.otlp.${key}`);
  return {
    ...(set('endpoint') ? { endpoint: otlp.endpoint } : {}),
    ...(set('headers') ? { headers: otlp.headers } : {}),
    ...(set('insecure') ? { insecure: otlp.insecure } : {}),
    ...(otlp.caFile !== null ? { caFile: otlp.caFile } : {}),
    ...(otlp.certFile !== null ? { clientCertFile: otlp.certFile } : {}),
    ...(otlp.keyFile !== null ? { clientKeyFile: otlp.keyFile } : {}),
    ...(set('compression') ? { compression: otlp.compression } : {}),
    ...(set('timeout') ? { timeoutMs: otlp.timeoutMs } : {}),
    ...(set('interval') ? { intervalMs: otlp.intervalMs } : {}),
    ...(set('temporality') ? { temporality: otlp.temporality } : {}),
  };
}

/** Rules that involve more than one key; each issue points at the key to change. */
function crossCheck(
  config: AgentConfig,
  origins: ReadonlyMap<string, ValueOrigin>,
  failed: ReadonlySet<string>,
  env: Readonly<Record<string, string | undefined>>,
): ConfigIssue[] {
  const found: { issue: ConfigIssue; involves: readonly string[] }[] = [];
  const origin = (key: string): ValueOrigin => origins.get(key) ?? { kind: 'default' };
  const issues = {
    push(issue: ConfigIssue, involves: readonly string[] = [issue.key]): void {
      found.push({ issue, involves });
    },
  };
  if (config.agent.collectors.length === 0) {
    issues.push({
      key: 'agent.collectors',
      message: 'must name at least one collector',
      origin: origin('agent.collectors'),
    });
  }
  if (config.http.enabled) {
    const { host } = parseListen(config.http.listen);
    if (!isLoopbackHost(host) && config.http.token === null) {
      issues.push(
        {
          key: 'http.listen',
          message:
            `${config.http.listen} is reachable beyond loopback but http.token is not set: /snapshot would serve ` +
            'every command line to the network. Set http.token (env SYSRAY_HTTP_TOKEN) or listen on 127.0.0.1',
          origin: origin('http.listen'),
        },
        ['http.listen', 'http.token', 'http.enabled'],
      );
    }
  }
  if (config.exporters.otlp.enabled) {
    // The exporter's own resolution is the authority on endpoint, TLS and timing rules; run it now so a
    // contradiction is a configuration error at start, not a failure at the first export.
    try {
      resolveOtlpOptions(otlpOptionsFrom(config, origins), env);
    } catch (error) {
      if (!(error instanceof OtlpConfigError)) throw error;
      const key = OTLP_OPTION_KEYS[error.option];
      const involves = Object.values(OTLP_OPTION_KEYS);
      // Point at the line to change: the key at fault when it was set, else the endpoint or the enabling key.
      const where = [key, 'exporters.otlp.endpoint', 'exporters.otlp.enabled'].find(
        (k) => k !== undefined && origins.has(k),
      );
      if (key !== undefined) {
        issues.push(
          { key, message: error.message, origin: where === undefined ? origin(key) : origin(where) },
          involves,
        );
      } else
        issues.push(
          { key: 'exporters.otlp', message: error.message, origin: { kind: 'env', name: error.option } },
          involves,
        );
    }
  }
  if (config.exporters.otlp.enabled) {
    // The exporter reads these at start; checking now lets `config check` and a reload catch a typo.
    const files: readonly (readonly [string, string | null])[] = [
      ['exporters.otlp.ca_file', config.exporters.otlp.caFile],
      ['exporters.otlp.cert_file', config.exporters.otlp.certFile],
      ['exporters.otlp.key_file', config.exporters.otlp.keyFile],
    ];
    for (const [key, file] of files) {
      if (file === null) continue;
      try {
        accessSync(file, constants.R_OK);
      } catch (error) {
        issues.push({
          key,
          message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
          origin: origin(key),
        });
      }
    }
  }
  // A rule over a key that already failed would only repeat that error with a defaulted value.
  return found.filter(({ involves }) => !involves.some((key) => failed.has(key))).map(({ issue }) => issue);
}

/** Parses and validates configuration text alone (no env, no flags); `file` labels the errors. */
export function parseConfigText(
  source: string,
  file: string,
): { values: Map<string, unknown>; origins: Map<string, ValueOrigin>; issues: ConfigIssue[] } {
  const into: Collected = { values: new Map(), origins: new Map(), issues: [] };
  let table: Record<string, unknown>;
  try {
    table = parseToml(source);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    // smol-toml's message is "Invalid TOML document: <cause>" followed by a code excerpt; keep the cause.
    const cause = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document:\s*/, '');
    into.issues.push({
      key: '',
      message: `TOML syntax error: ${cause}`,
      origin: { kind: 'file', path: file, line: error.line, column: error.column },
    });
    return into;
  }
  collectFile(table, source, file, into);
  return into;
}

/**
 * Loads the configuration: `--config` > `SYSRAY_CONFIG` > `/etc/sysray/sysray.toml` picks the file;
 * every value takes flags > environment > file > defaults. Throws `ConfigError` listing every problem.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const into: Collected = { values: new Map(), origins: new Map(), issues: [] };
  const explicit = options.configPath ?? ((env.SYSRAY_CONFIG ?? '') === '' ? undefined : env.SYSRAY_CONFIG);
  const path = explicit ?? options.defaultPath ?? DEFAULT_CONFIG_PATH;
  let file: string | null = path;
  let source: string | undefined;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && explicit === undefined) {
      file = null;
    } else {
      const how =
        explicit === undefined
          ? ''
          : options.configPath !== undefined
            ? ' (from --config)'
            : ' (from SYSRAY_CONFIG)';
      into.issues.push({
        key: '',
        message:
          code === 'ENOENT'
            ? `config file not found${how}`
            : `cannot read config file${how}: ${(error as Error).message}`,
        origin: { kind: 'file', path },
      });
    }
  }
  if (source !== undefined) {
    const parsed = parseConfigText(source, path);
    for (const [key, value] of parsed.values) into.values.set(key, value);
    for (const [key, origin] of parsed.origins) into.origins.set(key, origin);
    into.issues.push(...parsed.issues);
  }
  collectEnv(env, into);
  collectFlags(options.flags ?? {}, into);
  const config = buildAgentConfig(into.values);
  const failed = new Set(into.issues.map((issue) => issue.key));
  const issues = [...into.issues, ...crossCheck(config, into.origins, failed, env)];
  if (issues.length > 0) throw new ConfigError(issues);
  return Object.freeze({ config, file, values: into.values, origins: into.origins });
}
