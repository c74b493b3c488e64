import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, formatIssue, loadConfig, type LoadConfigOptions } from '../../src/config/load.js';
import { DEFAULT_AGENT_CONFIG, CONFIG_KEYS, envNameFor } from '../../src/config/schema.js';
import { collectorsConfigFrom, hostRootsFromConfig } from '../../src/config/derive.js';
import { DEFAULT_COLLECTORS_CONFIG } from '../../src/collectors/config.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sysray-config-'));
});

function file(text: string, name = 'sysray.toml'): string {
  const target = path.join(dir, name);
  writeFileSync(target, text);
  return target;
}

/** Loads with an empty environment and no default file unless told otherwise. */
function load(options: LoadConfigOptions = {}): ReturnType<typeof loadConfig> {
  return loadConfig({ env: {}, defaultPath: path.join(dir, 'absent.toml'), ...options });
}

/** The formatted issues of a load that must fail. */
function issues(options: LoadConfigOptions): string[] {
  try {
    load(options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map(formatIssue);
  }
  throw new Error('expected the configuration to be rejected');
}

describe('loadConfig: sources and defaults', () => {
  it('uses the defaults when the default file is absent, and freezes the result', () => {
    const loaded = load();
    expect(loaded.file).toBeNull();
    expect(loaded.config).toEqual(DEFAULT_AGENT_CONFIG);
    expect(loaded.config.agent.intervalMs).toBe(5000);
    expect(loaded.config.http.listen).toBe('127.0.0.1:9464');
    expect(loaded.config.exporters.otlp.enabled).toBe(false);
    expect(Object.isFrozen(loaded.config)).toBe(true);
    expect(Object.isFrozen(loaded.config.collectors.disks.exclude)).toBe(true);
    expect(() => {
      (loaded.config.agent as { intervalMs: number }).intervalMs = 1;
    }).toThrow(TypeError);
  });

  it('maps the collector defaults one to one onto CollectorsConfig', () => {
    expect(collectorsConfigFrom(DEFAULT_AGENT_CONFIG)).toEqual({
      ...DEFAULT_COLLECTORS_CONFIG,
      disks: { include: [], exclude: DEFAULT_COLLECTORS_CONFIG.disks.exclude },
      filesystems: {
        ...DEFAULT_COLLECTORS_CONFIG.filesystems,
        mountPoints: { include: [], exclude: DEFAULT_COLLECTORS_CONFIG.filesystems.mountPoints.exclude },
        fsTypes: { include: [], exclude: DEFAULT_COLLECTORS_CONFIG.filesystems.fsTypes.exclude },
      },
      network: { interfaces: { include: [], exclude: [] } },
    });
  });

  it('reads every section of a file into typed values', () => {
    const loaded = load({
      configPath: file(`
[agent]
interval = "2s"
collector_timeout = "1500ms"
collectors = ["cpu", "memory"]
rootfs = "/host"

[agent.intervals]
processes = "10s"
system = "1m"

[collectors.processes]
limit = 20
sort_by = "memory"
include = ["^postgres"]

[collectors.disks]
exclude = ["loop\\\\d+"]

[collectors.filesystems]
fs_type_exclude = ["tmpfs"]
statfs_timeout = "500ms"

[collectors.network]
include = ["eth\\\\d+", "ens.*"]

[collectors.cgroups]
max_depth = 5

[redaction]
value_patterns = ["AKIA[0-9A-Z]{16}"]

[http]
listen = "0.0.0.0:9100"
token = "s3cret"

[exporters.prometheus]
enabled = false

[exporters.otlp]
enabled = true
endpoint = "https://otel.example:4317"
headers = { authorization = "Bearer abc" }
compression = "gzip"
timeout = "5s"
interval = "30s"
temporality = "delta"

[logging]
level = "debug"
format = "pretty"
`),
    });
    const { config } = loaded;
    expect(config.agent).toEqual({
      intervalMs: 2000,
      intervalsMs: { processes: 10_000, system: 60_000 },
      collectorTimeoutMs: 1500,
      collectors: ['cpu', 'memory'],
      procRoot: null,
      sysRoot: null,
      rootfs: '/host',
    });
    expect(hostRootsFromConfig(config)).toEqual({ proc: '/host/proc', sys: '/host/sys', rootfs: '/host' });
    expect(config.collectors.processes).toEqual({
      limit: 20,
      sortBy: 'memory',
      include: ['^postgres'],
      maxCommandLength: 1024,
    });
    expect(config.collectors.disks).toEqual({ include: [], exclude: ['loop\\d+'] });
    expect(config.collectors.filesystems.fsTypeExclude).toEqual(['tmpfs']);
    expect(config.collectors.filesystems.statfsTimeoutMs).toBe(500);
    expect(config.collectors.network.include).toEqual(['eth\\d+', 'ens.*']);
    expect(config.collectors.cgroups.maxDepth).toBe(5);
    expect(config.redaction.valuePatterns).toEqual(['AKIA[0-9A-Z]{16}']);
    expect(config.http).toEqual({ enabled: true, listen: '0.0.0.0:9100', token: 's3cret' });
    expect(config.exporters.prometheus.enabled).toBe(false);
    expect(config.exporters.otlp).toMatchObject({
      enabled: true,
      endpoint: 'https://otel.example:4317',
      headers: { authorization: 'Bearer abc' },
      compression: 'gzip',
      timeoutMs: 5000,
      intervalMs: 30_000,
      temporality: 'delta',
    });
    expect(config.logging).toEqual({ level: 'debug', format: 'pretty' });
    expect(loaded.origins.get('http.token')).toEqual({ kind: 'file', path: loaded.file, line: 35 });
  });

  it('takes every value as flags > environment > file > defaults', () => {
    const configPath = file(
      '[agent]\ninterval = "3s"\ncollector_timeout = "3s"\n[logging]\nlevel = "warn"\n',
    );
    const loaded = load({
      configPath,
      env: {
        SYSRAY_AGENT_INTERVAL: '4s',
        SYSRAY_AGENT_COLLECTOR_TIMEOUT: '4s',
        SYSRAY_HTTP_LISTEN: '127.0.0.2:1',
      },
      flags: { 'agent.interval': '6s', 'exporters.prometheus.enabled': false },
    });
    expect(loaded.config.agent.intervalMs).toBe(6000); // flag over env and file
    expect(loaded.config.agent.collectorTimeoutMs).toBe(4000); // env over file
    expect(loaded.config.logging.level).toBe('warn'); // file over default
    expect(loaded.config.http.listen).toBe('127.0.0.2:1'); // env over default
    expect(loaded.config.exporters.prometheus.enabled).toBe(false);
    expect(loaded.config.exporters.otlp.timeoutMs).toBe(10_000); // default
    expect(loaded.origins.get('agent.interval')).toEqual({ kind: 'flag', name: '--interval' });
    expect(loaded.origins.get('agent.collector_timeout')).toEqual({
      kind: 'env',
      name: 'SYSRAY_AGENT_COLLECTOR_TIMEOUT',
    });
    expect(loaded.origins.get('logging.level')).toEqual({ kind: 'file', path: configPath, line: 5 });
    expect(loaded.origins.get('exporters.prometheus.enabled')).toEqual({
      kind: 'flag',
      name: '--no-prometheus',
    });
    expect(loaded.origins.has('exporters.otlp.timeout')).toBe(false);
  });

  it('names the environment variable of every key SYSRAY_<SECTION>_<KEY>', () => {
    expect(envNameFor('collectors.processes.limit')).toBe('SYSRAY_COLLECTORS_PROCESSES_LIMIT');
    expect(envNameFor('exporters.otlp.ca_file')).toBe('SYSRAY_EXPORTERS_OTLP_CA_FILE');
    const names = CONFIG_KEYS.map((k) => k.env);
    expect(new Set(names).size).toBe(names.length);
    const loaded = load({
      env: {
        SYSRAY_COLLECTORS_PROCESSES_LIMIT: '7',
        SYSRAY_AGENT_INTERVALS_PROCESSES: '30s',
        SYSRAY_AGENT_COLLECTORS: 'cpu, memory',
        SYSRAY_COLLECTORS_DISKS_EXCLUDE: '["sd[a-c]", "loop\\\\d{1,3}"]',
        SYSRAY_EXPORTERS_OTLP_HEADERS: 'authorization=Bearer%20xyz,x-tenant=a=b',
        SYSRAY_REDACTION_ENABLED: 'no',
      },
    });
    expect(loaded.config.collectors.processes.limit).toBe(7);
    expect(loaded.config.agent.intervalsMs).toEqual({ processes: 30_000 });
    expect(loaded.config.agent.collectors).toEqual(['cpu', 'memory']);
    expect(loaded.config.collectors.disks.exclude).toEqual(['sd[a-c]', 'loop\\d{1,3}']);
    expect(loaded.config.exporters.otlp.headers).toEqual({ authorization: 'Bearer xyz', 'x-tenant': 'a=b' });
    expect(loaded.config.redaction.enabled).toBe(false);
  });

  it('reads the host roots from the established SYSRAY_PROC_ROOT / SYSRAY_SYS_ROOT / SYSRAY_ROOTFS too', () => {
    const loaded = load({
      env: { SYSRAY_ROOTFS: '/host', SYSRAY_PROC_ROOT: '/hp', SYSRAY_AGENT_PROC_ROOT: '/canonical' },
    });
    expect(loaded.config.agent.rootfs).toBe('/host');
    // The SYSRAY_<SECTION>_<KEY> name wins over the alias.
    expect(loaded.config.agent.procRoot).toBe('/canonical');
    expect(hostRootsFromConfig(loaded.config)).toEqual({
      proc: '/canonical',
      sys: '/host/sys',
      rootfs: '/host',
    });
    const flagged = load({ env: { SYSRAY_PROC_ROOT: '/hp' }, flags: { 'agent.proc_root': '/flag' } });
    expect(flagged.config.agent.procRoot).toBe('/flag');
  });

  it('treats an empty environment variable as unset', () => {
    const loaded = load({ env: { SYSRAY_AGENT_INTERVAL: '', SYSRAY_HTTP_TOKEN: '' } });
    expect(loaded.config.agent.intervalMs).toBe(5000);
    expect(loaded.config.http.token).toBeNull();
  });

  it('picks the file: --config over SYSRAY_CONFIG over the default path', () => {
    const fromEnv = file('[agent]\ninterval = "7s"\n', 'env.toml');
    const fromFlag = file('[agent]\ninterval = "8s"\n', 'flag.toml');
    const byDefault = file('[agent]\ninterval = "9s"\n', 'default.toml');
    expect(load({ defaultPath: byDefault }).config.agent.intervalMs).toBe(9000);
    expect(load({ defaultPath: byDefault, env: { SYSRAY_CONFIG: fromEnv } }).config.agent.intervalMs).toBe(
      7000,
    );
    const both = load({ defaultPath: byDefault, env: { SYSRAY_CONFIG: fromEnv }, configPath: fromFlag });
    expect(both.config.agent.intervalMs).toBe(8000);
    expect(both.file).toBe(fromFlag);
  });

  it('rejects a named file that does not exist, saying where the name came from', () => {
    const missing = path.join(dir, 'nope.toml');
    expect(issues({ configPath: missing })).toEqual([`${missing}: config file not found (from --config)`]);
    expect(issues({ env: { SYSRAY_CONFIG: missing } })).toEqual([
      `${missing}: config file not found (from SYSRAY_CONFIG)`,
    ]);
  });
});

describe('loadConfig: errors', () => {
  it('reports a TOML syntax error with its line and column', () => {
    const configPath = file('[agent]\ninterval = "5s"\nlimit = = 3\n');
    expect(issues({ configPath })).toEqual([`${configPath}:3:9: TOML syntax error: invalid value`]);
  });

  it('reports every schema error at once, each with the key and its line', () => {
    const configPath = file(`# sysray
[agent]
interval = 5
intervals.processes = "fast"

[collectors.processes]
limit = "many"
sort_by = "mem"
include = ["(unclosed"]

[collectors]
cgroups = { max_depth = -1 }

[logging]
level = "loud"
`);
    expect(issues({ configPath })).toEqual([
      `${configPath}:3: agent.interval: must be a duration string with a unit such as "5s", got the number 5`,
      `${configPath}:4: agent.intervals.processes: invalid duration "fast" (use e.g. 500ms, 2s, 1m, 1h, 7d)`,
      `${configPath}:7: collectors.processes.limit: must be an integer between 1 and 100000, got the string "many"`,
      `${configPath}:8: collectors.processes.sort_by: must be one of "cpu", "memory", "io", "pid", "name", got "mem"`,
      expect.stringMatching(
        new RegExp(
          `^${configPath}:9: collectors\\.processes\\.include: invalid regular expression "\\(unclosed": `,
        ),
      ) as unknown as string,
      `${configPath}:12: collectors.cgroups.max_depth: must be an integer between 0 and 64, got -1`,
      `${configPath}:15: logging.level: must be one of "trace", "debug", "info", "warn", "error", "fatal", "silent", got "loud"`,
    ]);
  });

  it('rejects unknown keys and tables with "did you mean"', () => {
    const configPath = file(`[agent]
intervall = "5s"
listen = "127.0.0.1:1"

[collectors.proceses]
limit = 3

[exporter.otlp]
enabled = true

[http]
tokn = "x"
`);
    expect(issues({ configPath })).toEqual([
      `${configPath}:2: agent.intervall: unknown key (did you mean "agent.interval"?)`,
      `${configPath}:3: agent.listen: unknown key (did you mean "http.listen"?)`,
      `${configPath}:5: collectors.proceses: unknown key (did you mean "collectors.processes"?)`,
      `${configPath}:8: exporter: unknown key (did you mean "exporters"?)`,
      `${configPath}:12: http.tokn: unknown key (did you mean "http.token"?)`,
    ]);
  });

  it('rejects a value where a table belongs', () => {
    const configPath = file('agent = "fast"\n');
    expect(issues({ configPath })).toEqual([`${configPath}:1: agent: must be a table ([agent])`]);
  });

  it('names the environment variable or flag of a bad value, and flags unknown SYSRAY_ variables', () => {
    expect(
      issues({
        env: {
          SYSRAY_COLLECTORS_PROCESSES_LIMIT: 'lots',
          SYSRAY_HTTP_LISTN: 'x',
          SYSRAY_K8S_NODE_NAME: 'n1',
        },
        flags: { 'agent.interval': '5 parsecs', 'http.listen': 'nowhere' },
      }),
    ).toEqual([
      'env SYSRAY_COLLECTORS_PROCESSES_LIMIT: collectors.processes.limit: must be an integer, got "lots"',
      'env SYSRAY_HTTP_LISTN: unknown configuration variable (did you mean "SYSRAY_HTTP_LISTEN"?)',
      'flag --interval: agent.interval: invalid duration "5 parsecs" (use e.g. 500ms, 2s, 1m, 1h, 7d)',
      'flag --listen: http.listen: must be host:port, [ipv6]:port or :port, got "nowhere"',
    ]);
  });

  it('refuses to listen beyond loopback without a token, pointing at the listen line', () => {
    const configPath = file('[http]\nlisten = "0.0.0.0:9464"\n');
    const [issue, ...rest] = issues({ configPath });
    expect(rest).toEqual([]);
    expect(issue).toContain(
      `${configPath}:2: http.listen: 0.0.0.0:9464 is reachable beyond loopback but http.token is not set`,
    );
    expect(issues({ flags: { 'http.listen': ':9464' } })[0]).toMatch(
      /^flag --listen: http\.listen: :9464 is reachable/,
    );
    expect(load({ configPath, env: { SYSRAY_HTTP_TOKEN: 't0ken' } }).config.http.token).toBe('t0ken');
    expect(load({ flags: { 'http.listen': '[::1]:9464' } }).config.http.listen).toBe('[::1]:9464');
    expect(load({ flags: { 'http.listen': 'localhost:9464' } }).config.http.listen).toBe('localhost:9464');
    // A disabled endpoint needs no token.
    expect(load({ configPath, flags: { 'http.enabled': false } }).config.http.enabled).toBe(false);
  });

  it('checks the OTLP options with the exporter rules, pointing at the endpoint line', () => {
    const configPath = file('[exporters.otlp]\nenabled = true\nendpoint = "http://collector.example:4317"\n');
    expect(issues({ configPath })).toEqual([
      `${configPath}:3: exporters.otlp.insecure: the OTLP endpoint http://collector.example:4317 (endpoint) is plaintext http:// to a host that is not loopback: set insecure: true (or OTEL_EXPORTER_OTLP_INSECURE=true) to send metrics unencrypted, or use https://`,
    ]);
    expect(
      load({ configPath, env: { SYSRAY_EXPORTERS_OTLP_INSECURE: 'true' } }).config.exporters.otlp.insecure,
    ).toBe(true);
    const mtls = file(
      '[exporters.otlp]\nenabled = true\nendpoint = "https://c:4317"\ncert_file = "/c.pem"\n',
      'mtls.toml',
    );
    expect(issues({ configPath: mtls })[0]).toMatch(
      new RegExp(`^${mtls}:4: exporters\\.otlp\\.cert_file: clientCertFile is set without`),
    );
    const unreadable = file(
      '[exporters.otlp]\nenabled = true\nendpoint = "https://c:4317"\nca_file = "/nonexistent/ca.pem"\n',
      'ca.toml',
    );
    expect(issues({ configPath: unreadable })).toEqual([
      `${unreadable}:4: exporters.otlp.ca_file: cannot read /nonexistent/ca.pem: ENOENT`,
    ]);
    // A disabled exporter is not checked.
    expect(
      load({ configPath: mtls, flags: { 'exporters.otlp.enabled': false } }).config.exporters.otlp.enabled,
    ).toBe(false);
  });

  it('lets OTEL_EXPORTER_OTLP_* fill OTLP keys the configuration leaves unset', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://10.1.1.1:4317' };
    expect(issues({ env, flags: { 'exporters.otlp.enabled': true } })[0]).toContain('http://10.1.1.1:4317');
    // Set in sysray's configuration, the value wins over OTEL_*.
    expect(
      load({
        env: { ...env, SYSRAY_EXPORTERS_OTLP_ENDPOINT: 'https://c:4317' },
        flags: { 'exporters.otlp.enabled': true },
      }).config.exporters.otlp.endpoint,
    ).toBe('https://c:4317');
  });

  it('does not repeat a failed key in a cross-key rule', () => {
    const configPath = file('[http]\nlisten = "0.0.0.0:1"\ntoken = 42\n');
    expect(issues({ configPath })).toEqual([
      `${configPath}:3: http.token: must be a string, got the number 42`,
    ]);
  });

  it('requires at least one collector', () => {
    expect(issues({ flags: { 'agent.collectors': '' } })).toEqual([
      'flag --collectors: agent.collectors: must name at least one collector',
    ]);
    expect(issues({ flags: { 'agent.collectors': 'cpu,memroy' } })).toEqual([
      expect.stringContaining('item 2 must be one of system, cpu, memory') as unknown as string,
    ]);
    expect(issues({ flags: { 'agent.collectors': 'cpu,memroy' } })[0]).toContain('(did you mean "memory"?)');
  });

  it('says how many errors there are in the error message', () => {
    const configPath = file('[agent]\ninterval = 1\ncollector_timeout = 2\n');
    expect(() => load({ configPath })).toThrow(/^invalid configuration \(2 errors\):\n {2}\//);
  });
});
