import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  launchdLabel,
  launchdPaths,
  launchdPlist,
  systemdUnit,
  systemdUnitName,
  type ServiceRole,
  type ServiceScope,
} from './units.js';

/**
 * `sysray service install|uninstall|status`: writes the unit (systemd) or property list (launchd) of
 * units.ts and drives the service manager. The host is injected (files, commands, platform, uid) so the
 * plans are tested without touching the machine; `--dry-run` prints the plan instead of running it.
 */

/** The machine as the installer sees it. */
export interface ServiceHost {
  readonly platform: NodeJS.Platform;
  /** Effective uid; -1 where there is none (Windows). */
  readonly uid: number;
  readonly home: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  exists(path: string): boolean;
  /** Writes `content`, creating the parent directories. */
  writeFile(path: string, content: string): void;
  mkdir(path: string): void;
  removeFile(path: string): void;
  run(command: string, args: readonly string[]): CommandResult;
}

export interface CommandResult {
  /** Exit status; null when the command could not be started or was killed. */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function realServiceHost(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ServiceHost {
  return {
    platform: process.platform,
    uid: typeof process.geteuid === 'function' ? process.geteuid() : -1,
    home: homedir(),
    env,
    exists: (path) => existsSync(path),
    writeFile: (path, content) => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content, { mode: 0o644 });
    },
    mkdir: (path) => mkdirSync(path, { recursive: true }),
    removeFile: (path) => rmSync(path, { force: true }),
    run: (command, args) => {
      const result = spawnSync(command, [...args], { encoding: 'utf8' });
      return {
        status: result.error === undefined ? result.status : null,
        stdout: result.stdout ?? '',
        stderr: result.error === undefined ? (result.stderr ?? '') : result.error.message,
      };
    },
  };
}

/**
 * How to start this very sysray: the single executable itself when it is one (Node's single-executable
 * applications, `node:sea`), else Node and the CLI script (`npm i -g` and repository checkouts).
 */
export function currentExec(): string[] {
  try {
    const sea = createRequire(import.meta.url)('node:sea') as { isSea?: () => boolean };
    if (sea.isSea?.() === true) return [process.execPath];
  } catch {
    // node:sea is missing before Node 20.12; then this is not a single executable either.
  }
  const script = process.argv[1];
  if (script === undefined) return [process.execPath];
  let path = resolve(script);
  try {
    path = realpathSync(path);
  } catch {
    // keep the path as given
  }
  return [process.execPath, path];
}

export interface ServiceOptions {
  readonly role: ServiceRole;
  readonly scope: ServiceScope;
  readonly exec: readonly string[];
  readonly configPath?: string;
}

/** One command of a plan, run in order; `optional` ones may fail (e.g. stopping a unit not loaded). */
export interface PlanStep {
  readonly command: string;
  readonly args: readonly string[];
  readonly optional?: boolean;
}

export interface ServicePlan {
  readonly manager: 'systemd' | 'launchd';
  readonly role: ServiceRole;
  readonly scope: ServiceScope;
  /** Unit name or launchd label. */
  readonly name: string;
  /** Where the definition is written. */
  readonly path: string;
  readonly content: string;
  /** Directories to create before the steps (launchd's log directory). */
  readonly directories: readonly string[];
  readonly install: readonly PlanStep[];
  readonly uninstall: readonly PlanStep[];
  readonly status: PlanStep;
  /** Shown after a successful install. */
  readonly notes: readonly string[];
}

/** A failure the CLI shows as one line with this exit code (2: usage, 1: the host refused). */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

function systemdPlan(options: ServiceOptions, host: ServiceHost): ServicePlan {
  const name = systemdUnitName(options.role);
  const user = options.scope === 'user';
  const inHome = options.exec.find((path) => /^\/(home|root|run\/user)\//.test(path));
  if (!user && options.role === 'gateway' && inHome !== undefined) {
    // ProtectHome=yes and the DynamicUser would leave the gateway unable to read its own program.
    throw new ServiceError(
      `the gateway service cannot run ${inHome}: system services do not see home directories; install sysray to /usr/local (scripts/install.sh) or /opt, or use --user`,
      2,
    );
  }
  const configHome = host.env.XDG_CONFIG_HOME || join(host.home, '.config');
  const dir = user ? join(configHome, 'systemd', 'user') : '/etc/systemd/system';
  const systemctl = (...args: string[]): PlanStep => ({
    command: 'systemctl',
    args: user ? ['--user', ...args] : args,
  });
  const notes = user
    ? [
        `logs: journalctl --user -u ${name} -f`,
        `to keep it running after you log out: loginctl enable-linger ${host.env.USER ?? '$USER'}`,
      ]
    : [`logs: journalctl -u ${name} -f`];
  return {
    manager: 'systemd',
    role: options.role,
    scope: options.scope,
    name,
    path: join(dir, name),
    content: systemdUnit(options),
    directories: [],
    install: [systemctl('daemon-reload'), systemctl('enable', '--now', name)],
    uninstall: [{ ...systemctl('disable', '--now', name), optional: true }, systemctl('daemon-reload')],
    status: systemctl('is-active', name),
    notes,
  };
}

function launchdPlan(options: ServiceOptions, host: ServiceHost): ServicePlan {
  const label = launchdLabel(options.role);
  const user = options.scope === 'user';
  const paths = launchdPaths(options.scope, host.home);
  const path = user
    ? join(host.home, 'Library', 'LaunchAgents', `${label}.plist`)
    : join('/Library', 'LaunchDaemons', `${label}.plist`);
  // launchctl(1): bootstrap/bootout take a domain target: gui/<uid> for a user's agents, system for daemons.
  const domain = user ? `gui/${host.uid}` : 'system';
  return {
    manager: 'launchd',
    role: options.role,
    scope: options.scope,
    name: label,
    path,
    content: launchdPlist(options, paths),
    directories: options.role === 'gateway' ? [paths.logDir, paths.dataDir] : [paths.logDir],
    install: [
      { command: 'launchctl', args: ['bootout', `${domain}/${label}`], optional: true },
      { command: 'launchctl', args: ['bootstrap', domain, path] },
    ],
    uninstall: [{ command: 'launchctl', args: ['bootout', `${domain}/${label}`], optional: true }],
    status: { command: 'launchctl', args: ['list', label] },
    notes: [`logs: ${paths.logDir}/${options.role}.log`],
  };
}

/** What `install`, `uninstall` and `status` do for these options on this host. */
export function planService(options: ServiceOptions, host: ServiceHost): ServicePlan {
  if (host.platform === 'linux') return systemdPlan(options, host);
  if (host.platform === 'darwin') return launchdPlan(options, host);
  throw new ServiceError(
    `sysray service supports Linux (systemd) and macOS (launchd), not ${host.platform}; run \`sysray agent\` under your service manager`,
  );
}

function requirePrivileges(plan: ServicePlan, host: ServiceHost): void {
  if (plan.scope === 'system' && host.uid !== 0) {
    throw new ServiceError(
      `installing a system service writes ${plan.path} and needs root: run it with sudo, or use --user for your own ${plan.manager === 'systemd' ? 'systemd user manager' : 'LaunchAgents'}`,
    );
  }
}

function formatStep(step: PlanStep): string {
  return [step.command, ...step.args]
    .map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word}'`))
    .join(' ');
}

function runSteps(steps: readonly PlanStep[], host: ServiceHost, log: string[]): void {
  for (const step of steps) {
    const result = host.run(step.command, step.args);
    log.push(`$ ${formatStep(step)}`);
    if (result.status !== 0 && step.optional !== true) {
      const detail = (result.stderr || result.stdout).trim();
      throw new ServiceError(
        `\`${formatStep(step)}\` failed${result.status === null ? '' : ` (exit ${result.status})`}${detail ? `: ${detail}` : ''}`,
      );
    }
  }
}

/** Installs (or with `dryRun` describes) the service; returns the lines to print. */
export function installService(plan: ServicePlan, host: ServiceHost, dryRun = false): string[] {
  if (dryRun) {
    return [
      `# would write ${plan.path}:`,
      ...plan.content.trimEnd().split('\n'),
      ...plan.directories.map((dir) => `# would create ${dir}`),
      ...plan.install.map((step) => `# would run: ${formatStep(step)}`),
    ];
  }
  requirePrivileges(plan, host);
  const log: string[] = [];
  for (const dir of plan.directories) host.mkdir(dir);
  host.writeFile(plan.path, plan.content);
  log.push(`wrote ${plan.path}`);
  runSteps(plan.install, host, log);
  log.push(`${plan.name} installed and started`, ...plan.notes);
  return log;
}

/** Stops, disables and removes the service; returns the lines to print. */
export function uninstallService(plan: ServicePlan, host: ServiceHost, dryRun = false): string[] {
  if (dryRun) {
    return [
      `# would run: ${formatStep(plan.uninstall[0] as PlanStep)}`,
      `# would remove ${plan.path}`,
      ...plan.uninstall.slice(1).map((step) => `# would run: ${formatStep(step)}`),
    ];
  }
  requirePrivileges(plan, host);
  const log: string[] = [];
  const existed = host.exists(plan.path);
  // Stop before removing the file, reload after, so the manager forgets the unit.
  runSteps(plan.uninstall.slice(0, 1), host, log);
  host.removeFile(plan.path);
  log.push(existed ? `removed ${plan.path}` : `${plan.path} was not there`);
  runSteps(plan.uninstall.slice(1), host, log);
  return log;
}

export interface ServiceStatus {
  readonly installed: boolean;
  /** `systemctl is-active` says `active`, or `launchctl list <label>` knows the job. */
  readonly running: boolean;
  /** The lines to print: the definition's path and the manager's own output. */
  readonly lines: readonly string[];
}

export function serviceStatus(plan: ServicePlan, host: ServiceHost): ServiceStatus {
  const installed = host.exists(plan.path);
  const result = host.run(plan.status.command, plan.status.args);
  const output = (result.stdout + result.stderr).trim();
  const running =
    plan.manager === 'systemd'
      ? result.status === 0 && result.stdout.trim() === 'active'
      : result.status === 0;
  return {
    installed,
    running,
    lines: [
      `${plan.name}: ${installed ? plan.path : `not installed (no ${plan.path})`}`,
      `$ ${formatStep(plan.status)}`,
      ...(output === '' ? [] : output.split('\n')),
    ],
  };
}
