/**
 * Service definitions for running sysray under the host's service manager: systemd units on Linux and
 * launchd property lists on macOS. Pure text generation (no I/O), so the committed units in
 * deploy/systemd/ are checked against it and `sysray service install --dry-run` shows exactly what would
 * be written.
 */

/** What runs: the agent (`sysray agent`) or the gateway (`sysray gateway`). */
export type ServiceRole = 'agent' | 'gateway';

/** `system`: the system manager (root, boot); `user`: the calling user's manager (no root needed). */
export type ServiceScope = 'system' | 'user';

export interface ServiceSpec {
  readonly role: ServiceRole;
  readonly scope: ServiceScope;
  /** The command that runs sysray: `['/usr/local/bin/sysray']` or `['/usr/bin/node', '/…/bin/sysray.js']`. */
  readonly exec: readonly string[];
  /** `--config FILE` to pass; unset: the agent's default lookup (`/etc/sysray/sysray.toml`, may be absent). */
  readonly configPath?: string;
}

/** `sysray-agent.service`, `sysray-gateway.service`. */
export function systemdUnitName(role: ServiceRole): string {
  return `sysray-${role}.service`;
}

/** `sysray.agent`, `sysray.gateway`: the launchd label and plist file name. */
export function launchdLabel(role: ServiceRole): string {
  return `sysray.${role}`;
}

/**
 * One ExecStart= word. systemd.service(5) "Command lines": words split at whitespace, double quotes group,
 * backslash escapes inside quotes; `%` starts a specifier (systemd.unit(5)) and `$` an environment
 * expansion, so both are doubled to stay literal.
 */
export function systemdWord(word: string): string {
  const literal = word.replaceAll('%', '%%').replaceAll('$', '$$$$');
  if (literal !== '' && !/[\s"'\\;]/.test(literal)) return literal;
  return `"${literal.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** The sysray arguments after the executable. Specifiers (`%S`) are left for systemd to expand. */
function roleArguments(spec: ServiceSpec, dataDir: string): string[] {
  const config = spec.configPath === undefined ? [] : ['--config', systemdWord(spec.configPath)];
  return spec.role === 'agent' ? ['agent', ...config] : ['gateway', ...config, '--data-dir', dataDir];
}

/** Sandboxing that works under a user manager too (seccomp and NoNewPrivileges need no privileges). */
const COMMON_HARDENING = [
  'NoNewPrivileges=yes',
  'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
  'RestrictNamespaces=yes',
  'RestrictRealtime=yes',
  'RestrictSUIDSGID=yes',
  'LockPersonality=yes',
  'SystemCallArchitectures=native',
  'SystemCallFilter=@system-service',
  'SystemCallErrorNumber=EPERM',
  '# No MemoryDenyWriteExecute=: V8 compiles JavaScript to machine code at run time (W+X pages).',
];

function agentSystemService(): string[] {
  return [
    "# Root with only these two capabilities: reading /proc/<pid>/io, fd/ and smaps of other users'",
    "# processes passes the kernel's ptrace access check (PTRACE_MODE_READ_FSCREDS, proc(5)) only with",
    '# CAP_SYS_PTRACE, and CAP_DAC_READ_SEARCH reads root-only files such as /sys/kernel/* entries.',
    'CapabilityBoundingSet=CAP_SYS_PTRACE CAP_DAC_READ_SEARCH',
    'AmbientCapabilities=',
    ...COMMON_HARDENING,
    '# The whole host is read-only to the agent; it writes only its state directory (the NATS spool).',
    'ProtectSystem=strict',
    '# read-only, not yes: the filesystems collector calls statfs() on mounts below /home.',
    'ProtectHome=read-only',
    'PrivateTmp=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    '# Read-only cgroupfs: reading cgroup2 files (the cgroups collector) still works.',
    'ProtectControlGroups=yes',
    'ProtectClock=yes',
    '# Not ProtectHostname= (a private UTS namespace would freeze the hostname the agent reports), not',
    '# ProtectProc=/ProcSubset= (they hide the processes and /proc files it reads), not PrivateNetwork=',
    "# (it reads the host's /proc/net), not PrivateDevices= (GPU device nodes).",
    '# "-": the configuration directory may not exist (the agent then runs on defaults).',
    'ReadOnlyPaths=-/etc/sysray',
    'StateDirectory=sysray-agent',
    'StateDirectoryMode=0700',
    'ReadWritePaths=%S/sysray-agent',
    'UMask=0077',
  ];
}

function gatewaySystemService(): string[] {
  return [
    '# An unprivileged user allocated by systemd for this service (systemd.exec(5), DynamicUser=); it',
    '# owns the data directory. The gateway needs no capability: its ports are above 1024.',
    'DynamicUser=yes',
    'CapabilityBoundingSet=',
    'AmbientCapabilities=',
    ...COMMON_HARDENING,
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectControlGroups=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    'ProtectProc=invisible',
    'ReadOnlyPaths=-/etc/sysray',
    '# The store (SQLite) lives in the state directory: /var/lib/sysray.',
    'StateDirectory=sysray',
    'StateDirectoryMode=0700',
    'ReadWritePaths=%S/sysray',
    'UMask=0077',
  ];
}

function userService(role: ServiceRole): string[] {
  return [
    '# A user manager cannot set up the mount namespaces of the system units (ProtectSystem= and the',
    '# like need privileges it lacks); the seccomp-based restrictions below work without them. The agent',
    "# sees other users' processes but not their I/O counters and open files (no CAP_SYS_PTRACE).",
    ...COMMON_HARDENING,
    role === 'agent' ? 'StateDirectory=sysray-agent' : 'StateDirectory=sysray',
    'UMask=0077',
  ];
}

/**
 * The systemd unit of `spec`: Restart=on-failure, SIGHUP reload (the agent re-reads its configuration),
 * and a hardened sandbox (system scope) — see the comments in the generated text for each choice.
 */
export function systemdUnit(spec: ServiceSpec): string {
  if (spec.exec.length === 0) throw new Error('systemdUnit: exec is empty');
  const dataDir = '%S/sysray';
  const execStart = [...spec.exec.map(systemdWord), ...roleArguments(spec, dataDir)].join(' ');
  const description =
    spec.role === 'agent'
      ? 'Sysray agent: host metrics from /proc, /sys and cgroup2'
      : 'Sysray gateway: fleet ingest (OTLP, NATS), store, alerts and dashboard';
  const lines = [
    `# ${systemdUnitName(spec.role)}, written by \`sysray service install${spec.role === 'gateway' ? ' --gateway' : ''}${spec.scope === 'user' ? ' --user' : ''}\`.`,
    `# Change it with \`systemctl${spec.scope === 'user' ? ' --user' : ''} edit ${systemdUnitName(spec.role)}\` (a drop-in survives reinstalls).`,
    '[Unit]',
    `Description=${description}`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=exec',
    `ExecStart=${execStart}`,
    ...(spec.role === 'agent'
      ? ['# SIGHUP re-reads the configuration; an invalid one is logged and the old one stays.']
      : []),
    'ExecReload=/bin/kill -HUP $MAINPID',
    'Restart=on-failure',
    'RestartSec=5s',
    '# SIGTERM flushes the exporters (bounded to 5 s) before exit.',
    'TimeoutStopSec=20s',
    ...(spec.scope === 'user'
      ? userService(spec.role)
      : spec.role === 'agent'
        ? agentSystemService()
        : gatewaySystemService()),
    '',
    '[Install]',
    `WantedBy=${spec.scope === 'user' ? 'default.target' : 'multi-user.target'}`,
    '',
  ];
  return lines.join('\n');
}

function xml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

export interface LaunchdPaths {
  /** Directory of the log files (launchd does not create it). */
  readonly logDir: string;
  /** The gateway's data directory. */
  readonly dataDir: string;
}

/** The launchd paths of a scope: per user under ~/Library, system-wide under /Library. */
export function launchdPaths(scope: ServiceScope, home: string): LaunchdPaths {
  const base = scope === 'user' ? `${home}/Library` : '/Library';
  return { logDir: `${base}/Logs/sysray`, dataDir: `${base}/Application Support/sysray` };
}

/**
 * The launchd property list (launchd.plist(5)) of `spec`: started at load, restarted when it exits
 * with a failure (KeepAlive.SuccessfulExit = false) at most every 5 s, stdout and stderr to log files.
 */
export function launchdPlist(spec: ServiceSpec, paths: LaunchdPaths): string {
  if (spec.exec.length === 0) throw new Error('launchdPlist: exec is empty');
  const config = spec.configPath === undefined ? [] : ['--config', spec.configPath];
  const args =
    spec.role === 'agent'
      ? [...spec.exec, 'agent', ...config]
      : [...spec.exec, 'gateway', ...config, '--data-dir', paths.dataDir];
  const log = `${paths.logDir}/${spec.role}.log`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    '  <key>Label</key>',
    `  <string>${launchdLabel(spec.role)}</string>`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...args.map((arg) => `    <string>${xml(arg)}</string>`),
    '  </array>',
    '  <key>RunAtLoad</key>',
    '  <true/>',
    '  <key>KeepAlive</key>',
    '  <dict>',
    '    <key>SuccessfulExit</key>',
    '    <false/>',
    '  </dict>',
    '  <key>ThrottleInterval</key>',
    '  <integer>5</integer>',
    '  <key>ProcessType</key>',
    '  <string>Background</string>',
    '  <key>StandardOutPath</key>',
    `  <string>${xml(log)}</string>`,
    '  <key>StandardErrorPath</key>',
    `  <string>${xml(log)}</string>`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}
