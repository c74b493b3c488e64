import { spawnSync } from 'node:child_process';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/cli-io.js';
import { registerServiceCommand } from '../../src/cli/commands/service.js';
import { main } from '../../src/cli/main.js';
import {
  installService,
  planService,
  realServiceHost,
  serviceStatus,
  ServiceError,
  uninstallService,
  type CommandResult,
  type ServiceHost,
  type ServiceOptions,
} from '../../src/service/install.js';

/** A machine that records what the installer does and answers commands from a script. */
class RecordingHost implements ServiceHost {
  readonly files = new Map<string, string>();
  readonly dirs: string[] = [];
  readonly ran: string[] = [];
  answers = new Map<string, CommandResult>();

  constructor(
    readonly platform: NodeJS.Platform = 'linux',
    readonly uid = 0,
    readonly env: Readonly<Record<string, string | undefined>> = { USER: 'ann' },
    readonly home = '/home/ann',
  ) {}

  exists(path: string): boolean {
    return this.files.has(path);
  }
  writeFile(path: string, content: string): void {
    this.files.set(path, content);
  }
  mkdir(path: string): void {
    this.dirs.push(path);
  }
  removeFile(path: string): void {
    this.files.delete(path);
  }
  run(command: string, args: readonly string[]): CommandResult {
    const line = [command, ...args].join(' ');
    this.ran.push(line);
    return this.answers.get(line) ?? { status: 0, stdout: '', stderr: '' };
  }
}

const AGENT: ServiceOptions = { role: 'agent', scope: 'system', exec: ['/usr/local/bin/sysray'] };

function bufferIO(): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env: {},
    interrupted: new Promise<void>(() => {}),
    out: () => out,
    err: () => err,
  };
}

describe('systemd', () => {
  it('installs a system unit as root: writes it, reloads, enables and starts it', () => {
    const host = new RecordingHost();
    const plan = planService(AGENT, host);
    const log = installService(plan, host);
    expect(plan.path).toBe('/etc/systemd/system/sysray-agent.service');
    expect(host.files.get(plan.path)).toContain('ExecStart=/usr/local/bin/sysray agent\n');
    expect(host.ran).toEqual(['systemctl daemon-reload', 'systemctl enable --now sysray-agent.service']);
    expect(log).toContain('sysray-agent.service installed and started');
    expect(log).toContain('logs: journalctl -u sysray-agent.service -f');
  });

  it('refuses a system install without root, pointing at sudo and --user', () => {
    const host = new RecordingHost('linux', 1000);
    expect(() => installService(planService(AGENT, host), host)).toThrow(
      /needs root: run it with sudo, or use --user/,
    );
    expect(host.files.size).toBe(0);
    expect(host.ran).toEqual([]);
  });

  it('installs a user unit under XDG_CONFIG_HOME with systemctl --user, and tells about lingering', () => {
    const host = new RecordingHost('linux', 1000, { XDG_CONFIG_HOME: '/home/ann/.cfg', USER: 'ann' });
    const plan = planService({ ...AGENT, scope: 'user' }, host);
    const log = installService(plan, host);
    expect(plan.path).toBe('/home/ann/.cfg/systemd/user/sysray-agent.service');
    expect(host.ran).toEqual([
      'systemctl --user daemon-reload',
      'systemctl --user enable --now sysray-agent.service',
    ]);
    expect(log).toContain('to keep it running after you log out: loginctl enable-linger ann');
    expect(planService({ ...AGENT, scope: 'user' }, new RecordingHost('linux', 1000, {})).path).toBe(
      '/home/ann/.config/systemd/user/sysray-agent.service',
    );
  });

  it('changes nothing on a dry run and shows the unit and commands', () => {
    const host = new RecordingHost('linux', 1000);
    const lines = installService(
      planService({ ...AGENT, configPath: '/etc/sysray/a.toml' }, host),
      host,
      true,
    );
    expect(host.files.size).toBe(0);
    expect(host.ran).toEqual([]);
    expect(lines[0]).toBe('# would write /etc/systemd/system/sysray-agent.service:');
    expect(lines).toContain('ExecStart=/usr/local/bin/sysray agent --config /etc/sysray/a.toml');
    expect(lines.slice(-2)).toEqual([
      '# would run: systemctl daemon-reload',
      '# would run: systemctl enable --now sysray-agent.service',
    ]);
  });

  it('reports a failing systemctl with its message', () => {
    const host = new RecordingHost();
    host.answers.set('systemctl enable --now sysray-agent.service', {
      status: 1,
      stdout: '',
      stderr: "System has not been booted with systemd as init system (PID 1). Can't operate.\n",
    });
    expect(() => installService(planService(AGENT, host), host)).toThrow(
      "`systemctl enable --now sysray-agent.service` failed (exit 1): System has not been booted with systemd as init system (PID 1). Can't operate.",
    );
  });

  it('uninstalls: stops and disables (even when not loaded), removes the unit, reloads', () => {
    const host = new RecordingHost();
    const plan = planService({ ...AGENT, role: 'gateway' }, host);
    host.files.set(plan.path, 'x');
    host.answers.set('systemctl disable --now sysray-gateway.service', {
      status: 5,
      stdout: '',
      stderr: 'not loaded',
    });
    const log = uninstallService(plan, host);
    expect(host.files.has(plan.path)).toBe(false);
    expect(host.ran).toEqual(['systemctl disable --now sysray-gateway.service', 'systemctl daemon-reload']);
    expect(log).toContain('removed /etc/systemd/system/sysray-gateway.service');
  });

  it('status: running only when systemctl is-active says active', () => {
    const host = new RecordingHost('linux', 1000);
    const plan = planService(AGENT, host);
    host.answers.set('systemctl is-active sysray-agent.service', {
      status: 0,
      stdout: 'active\n',
      stderr: '',
    });
    host.files.set(plan.path, 'x');
    expect(serviceStatus(plan, host)).toEqual({
      installed: true,
      running: true,
      lines: [
        'sysray-agent.service: /etc/systemd/system/sysray-agent.service',
        '$ systemctl is-active sysray-agent.service',
        'active',
      ],
    });
    host.answers.set('systemctl is-active sysray-agent.service', {
      status: 3,
      stdout: 'inactive\n',
      stderr: '',
    });
    expect(serviceStatus(plan, host)).toMatchObject({ running: false });
  });

  it('refuses a system gateway whose program lives in a home directory', () => {
    const host = new RecordingHost();
    let error: unknown;
    try {
      planService(
        { role: 'gateway', scope: 'system', exec: ['/usr/bin/node', '/home/ann/sysray/bin/sysray.js'] },
        host,
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).exitCode).toBe(2);
    expect((error as ServiceError).message).toContain('/home/ann/sysray/bin/sysray.js');
  });
});

describe('launchd', () => {
  it('installs a LaunchAgent with launchctl bootstrap gui/<uid> and creates the log directory', () => {
    const host = new RecordingHost('darwin', 501, {}, '/Users/ann');
    const plan = planService({ ...AGENT, scope: 'user' }, host);
    installService(plan, host);
    expect(plan.path).toBe('/Users/ann/Library/LaunchAgents/sysray.agent.plist');
    expect(host.dirs).toEqual(['/Users/ann/Library/Logs/sysray']);
    expect(host.ran).toEqual([
      'launchctl bootout gui/501/sysray.agent',
      'launchctl bootstrap gui/501 /Users/ann/Library/LaunchAgents/sysray.agent.plist',
    ]);
    expect(plan.status).toEqual({ command: 'launchctl', args: ['list', 'sysray.agent'] });
  });

  it('installs a system LaunchDaemon into /Library/LaunchDaemons in the system domain', () => {
    const host = new RecordingHost('darwin', 0, {}, '/var/root');
    const plan = planService({ ...AGENT, role: 'gateway' }, host);
    installService(plan, host);
    expect(plan.path).toBe('/Library/LaunchDaemons/sysray.gateway.plist');
    expect(host.dirs).toEqual(['/Library/Logs/sysray', '/Library/Application Support/sysray']);
    expect(host.ran.at(-1)).toBe('launchctl bootstrap system /Library/LaunchDaemons/sysray.gateway.plist');
  });
});

it('says which platforms it supports elsewhere', () => {
  expect(() => planService(AGENT, new RecordingHost('win32', -1))).toThrow(
    /Linux \(systemd\) and macOS \(launchd\), not win32/,
  );
});

describe('sysray service (command)', () => {
  function program(host: ServiceHost, io: CliIO): Command {
    const root = new Command('sysray').exitOverride();
    registerServiceCommand(root, io, { host: () => host, exec: () => ['/opt/sysray/sysray'] });
    return root;
  }

  it('install --gateway --user --config resolves the file and installs the user gateway', async () => {
    const host = new RecordingHost('linux', 1000);
    const io = bufferIO();
    await program(host, io).parseAsync(['service', 'install', '--gateway', '--user', '--config', 'g.toml'], {
      from: 'user',
    });
    const unit = host.files.get('/home/ann/.config/systemd/user/sysray-gateway.service');
    expect(unit).toContain(
      `ExecStart=/opt/sysray/sysray gateway --config ${process.cwd()}/g.toml --data-dir %S/sysray`,
    );
    expect(io.out()).toContain('sysray-gateway.service installed and started');
  });

  it('status exits 3 when not running', async () => {
    const host = new RecordingHost('linux', 1000);
    host.answers.set('systemctl is-active sysray-agent.service', {
      status: 3,
      stdout: 'inactive\n',
      stderr: '',
    });
    const io = bufferIO();
    await expect(program(host, io).parseAsync(['service', 'status'], { from: 'user' })).rejects.toMatchObject(
      {
        exitCode: 3,
        message: 'not installed',
      },
    );
    expect(io.out()).toContain('$ systemctl is-active sysray-agent.service\ninactive\n');
  });

  it('is registered in the CLI: a dry run through main() prints the unit for this process', async () => {
    const io = bufferIO();
    const code = await main(['service', 'install', '--user', '--dry-run'], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    if (process.platform === 'linux') {
      expect(io.out()).toMatch(/^# would write .*\/systemd\/user\/sysray-agent\.service:/);
      expect(io.out()).toContain(`ExecStart=${process.execPath}`);
    }
  });
});

describe('live host', () => {
  const hasSystemctl = process.platform === 'linux' && spawnSync('systemctl', ['--version']).status === 0;
  it.runIf(hasSystemctl)('asks the real systemctl about the agent unit', () => {
    const host = realServiceHost();
    const plan = planService(AGENT, host);
    const status = serviceStatus(plan, host);
    expect(status.lines[1]).toBe('$ systemctl is-active sysray-agent.service');
    // Installed or not, the answer agrees with the unit file on disk.
    expect(status.installed).toBe(host.exists('/etc/systemd/system/sysray-agent.service'));
    if (!status.installed) expect(status.running).toBe(false);
  });
});
