import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  launchdPaths,
  launchdPlist,
  systemdUnit,
  systemdWord,
  type ServiceSpec,
} from '../../src/service/units.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = '/usr/local/bin/sysray';

/** `Key=value` lines of a unit, by section, keys repeated as systemd allows. */
function directives(unit: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  let section = '';
  for (const line of unit.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      section = header[1] as string;
      continue;
    }
    const at = line.indexOf('=');
    const key = `${section}.${line.slice(0, at)}`;
    map.set(key, [...(map.get(key) ?? []), line.slice(at + 1)]);
  }
  return map;
}

const agentSystem: ServiceSpec = { role: 'agent', scope: 'system', exec: [BIN] };
const gatewaySystem: ServiceSpec = { role: 'gateway', scope: 'system', exec: [BIN] };

describe('systemdWord', () => {
  it('leaves plain words alone and quotes or escapes the rest', () => {
    expect(systemdWord('/usr/local/bin/sysray')).toBe('/usr/local/bin/sysray');
    expect(systemdWord('/opt/my tools/sysray')).toBe('"/opt/my tools/sysray"');
    expect(systemdWord('/etc/100%.toml')).toBe('/etc/100%%.toml');
    expect(systemdWord('/srv/$HOME/a')).toBe('/srv/$$HOME/a');
    expect(systemdWord('a"b')).toBe('"a\\"b"');
    expect(systemdWord('')).toBe('""');
  });
});

describe('systemdUnit', () => {
  it('hardens the agent: root limited to CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, read-only host', () => {
    const d = directives(systemdUnit(agentSystem));
    expect(d.get('Service.ExecStart')).toEqual(['/usr/local/bin/sysray agent']);
    expect(d.get('Service.CapabilityBoundingSet')).toEqual(['CAP_SYS_PTRACE CAP_DAC_READ_SEARCH']);
    expect(d.get('Service.AmbientCapabilities')).toEqual(['']);
    for (const [key, value] of [
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'read-only'],
      ['NoNewPrivileges', 'yes'],
      ['PrivateTmp', 'yes'],
      ['ProtectKernelTunables', 'yes'],
      ['ProtectControlGroups', 'yes'],
      ['RestrictAddressFamilies', 'AF_UNIX AF_INET AF_INET6'],
      ['ReadOnlyPaths', '-/etc/sysray'],
      ['ReadWritePaths', '%S/sysray-agent'],
      ['StateDirectory', 'sysray-agent'],
      ['Restart', 'on-failure'],
      ['RestartSec', '5s'],
      ['ExecReload', '/bin/kill -HUP $MAINPID'],
    ]) {
      expect(d.get(`Service.${key}`), key).toEqual([value]);
    }
    // These would break what the agent reads: the hostname, other processes, /proc/net.
    for (const key of [
      'ProtectHostname',
      'ProtectProc',
      'ProcSubset',
      'PrivateNetwork',
      'MemoryDenyWriteExecute',
    ])
      expect(d.has(`Service.${key}`), key).toBe(false);
    expect(d.get('Install.WantedBy')).toEqual(['multi-user.target']);
  });

  it('runs the gateway as a dynamic user with no capabilities and its store in the state directory', () => {
    const d = directives(systemdUnit({ ...gatewaySystem, configPath: '/etc/sysray/gateway.toml' }));
    expect(d.get('Service.ExecStart')).toEqual([
      '/usr/local/bin/sysray gateway --config /etc/sysray/gateway.toml --data-dir %S/sysray',
    ]);
    expect(d.get('Service.DynamicUser')).toEqual(['yes']);
    expect(d.get('Service.CapabilityBoundingSet')).toEqual(['']);
    expect(d.get('Service.StateDirectory')).toEqual(['sysray']);
    expect(d.get('Service.ReadWritePaths')).toEqual(['%S/sysray']);
    expect(d.get('Service.PrivateDevices')).toEqual(['yes']);
    expect(d.get('Service.ProtectHome')).toEqual(['yes']);
  });

  it('keeps only unprivileged sandboxing in user mode, and quotes odd paths', () => {
    const unit = systemdUnit({
      role: 'agent',
      scope: 'user',
      exec: ['/usr/bin/node', '/home/ann/my tools/sysray.js'],
      configPath: '/home/ann/.config/sysray/sysray.toml',
    });
    const d = directives(unit);
    expect(d.get('Service.ExecStart')).toEqual([
      '/usr/bin/node "/home/ann/my tools/sysray.js" agent --config /home/ann/.config/sysray/sysray.toml',
    ]);
    expect(d.get('Service.NoNewPrivileges')).toEqual(['yes']);
    expect(d.get('Service.SystemCallFilter')).toEqual(['@system-service']);
    for (const key of [
      'ProtectSystem',
      'ProtectHome',
      'CapabilityBoundingSet',
      'ReadWritePaths',
      'DynamicUser',
    ])
      expect(d.has(`Service.${key}`), key).toBe(false);
    expect(d.get('Install.WantedBy')).toEqual(['default.target']);
    expect(unit).toContain('systemctl --user edit sysray-agent.service');
  });

  it('refuses an empty command', () => {
    expect(() => systemdUnit({ ...agentSystem, exec: [] })).toThrow(/exec is empty/);
  });
});

describe('deploy/systemd', () => {
  it('holds exactly the generated units (regenerate them from units.ts when this fails)', () => {
    expect(readFileSync(join(REPO, 'deploy/systemd/sysray-agent.service'), 'utf8')).toBe(
      systemdUnit(agentSystem),
    );
    expect(readFileSync(join(REPO, 'deploy/systemd/sysray-gateway.service'), 'utf8')).toBe(
      systemdUnit(gatewaySystem),
    );
  });

  const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;
  if (!hasAnalyze)
    console.log('systemd-analyze is not installed: the `systemd-analyze verify` test is skipped');
  const dir = mkdtempSync(join(tmpdir(), 'sysray-units-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!hasAnalyze)('passes `systemd-analyze verify` (with a stand-in ExecStart binary)', () => {
    const bin = join(dir, 'sysray');
    writeFileSync(bin, '#!/bin/sh\nexit 0\n');
    chmodSync(bin, 0o755);
    const files: string[] = [];
    for (const name of ['sysray-agent.service', 'sysray-gateway.service']) {
      const text = readFileSync(join(REPO, 'deploy/systemd', name), 'utf8').replaceAll(BIN, bin);
      writeFileSync(join(dir, name), text);
      files.push(join(dir, name));
    }
    const result = spawnSync('systemd-analyze', ['verify', ...files], { encoding: 'utf8' });
    // verify exits 0 even for unknown keys or bad values ("…, ignoring"): every line it prints is a finding.
    expect(result.stderr + result.stdout).toBe('');
    expect(result.status).toBe(0);

    // The check itself catches a bad directive, so the empty output above means something.
    writeFileSync(join(dir, 'bad.service'), `[Service]\nExecStart=${bin}\nProtectSystem=bogus\n`);
    const bad = spawnSync('systemd-analyze', ['verify', join(dir, 'bad.service')], { encoding: 'utf8' });
    expect(bad.stderr).toContain('bad.service:3: Failed to parse protect system value, ignoring: bogus');
  });
});

describe('launchdPlist', () => {
  it('runs at load, restarts on failure, logs to files, escapes XML', () => {
    const paths = launchdPaths('user', '/Users/ann & bob');
    const plist = launchdPlist(
      {
        role: 'gateway',
        scope: 'user',
        exec: ['/usr/local/bin/sysray'],
        configPath: '/etc/sysray/g<1>.toml',
      },
      paths,
    );
    expect(plist).toContain('<string>sysray.gateway</string>');
    expect(plist).toContain(
      [
        '    <string>/usr/local/bin/sysray</string>',
        '    <string>gateway</string>',
        '    <string>--config</string>',
        '    <string>/etc/sysray/g&lt;1&gt;.toml</string>',
        '    <string>--data-dir</string>',
        '    <string>/Users/ann &amp; bob/Library/Application Support/sysray</string>',
      ].join('\n'),
    );
    expect(plist).toContain('<key>SuccessfulExit</key>\n    <false/>');
    expect(plist).toContain('<string>/Users/ann &amp; bob/Library/Logs/sysray/gateway.log</string>');
    expect(launchdPaths('system', '/var/root')).toEqual({
      logDir: '/Library/Logs/sysray',
      dataDir: '/Library/Application Support/sysray',
    });
  });
});
