import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(REPO, 'scripts/install.sh');
const EXAMPLE = readFileSync(join(REPO, 'deploy/sysray.example.toml'), 'utf8');

/**
 * scripts/install.sh against a staged root (DESTDIR) and a stand-in `sysray` that records how it is called,
 * so the script's own logic is what is tested: checksum, atomic replace, config kept on update, service.
 */
describe('scripts/install.sh', () => {
  let dir: string;
  let release: string;
  let stage: string;
  let calls: string;

  function writeRelease(version: string, sums: 'right' | 'wrong' | 'none' = 'right'): string {
    const binary = `#!/bin/sh\n# sysray ${version}\necho "$*" >> "${calls}"\n`;
    writeFileSync(join(release, 'sysray'), binary);
    chmodSync(join(release, 'sysray'), 0o755);
    const hash = createHash('sha256')
      .update(sums === 'wrong' ? 'something else' : binary)
      .digest('hex');
    if (sums === 'none') rmSync(join(release, 'SHA256SUMS'), { force: true });
    else writeFileSync(join(release, 'SHA256SUMS'), `${hash}  sysray\n0000  sysray.mjs\n`);
    return binary;
  }

  function install(args: string[] = [], env: Record<string, string> = {}) {
    return spawnSync('sh', [SCRIPT, '--from', release, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DESTDIR: stage, PREFIX: '/usr/local', ...env },
    });
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sysray-install-'));
    release = join(dir, 'release');
    stage = join(dir, 'root');
    calls = join(dir, 'calls.log');
    mkdirSync(release);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('installs the checked binary, the example configuration and shows the service', () => {
    const binary = writeRelease('1');
    const result = install();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`checksum ok: ${release}/sysray`);
    expect(readFileSync(join(stage, 'usr/local/bin/sysray'), 'utf8')).toBe(binary);
    expect(readFileSync(join(stage, 'etc/sysray/sysray.toml'), 'utf8')).toBe(EXAMPLE);
    // Staged: the service is only shown, and the default /etc path needs no --config.
    expect(readFileSync(calls, 'utf8')).toBe('service install --dry-run\n');
  });

  it('updates the binary and keeps an existing configuration', () => {
    writeRelease('1');
    expect(install().status).toBe(0);
    writeFileSync(join(stage, 'etc/sysray/sysray.toml'), '[agent]\ninterval = "10s"\n');
    const binary = writeRelease('2');
    const result = install();
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('kept');
    expect(readFileSync(join(stage, 'etc/sysray/sysray.toml'), 'utf8')).toBe('[agent]\ninterval = "10s"\n');
    expect(readFileSync(join(stage, 'usr/local/bin/sysray'), 'utf8')).toBe(binary);
  });

  it('refuses a binary that does not match SHA256SUMS and installs nothing', () => {
    writeRelease('1', 'wrong');
    const result = install();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('does not match SHA256SUMS');
    expect(existsSync(join(stage, 'usr/local/bin/sysray'))).toBe(false);
  });

  it('installs without a SHA256SUMS, and without the service when asked', () => {
    writeRelease('1', 'none');
    const result = install(['--no-service']);
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('checksum');
    expect(existsSync(calls)).toBe(false);
  });

  it('honours PREFIX and SYSCONFDIR, passing a non-default configuration path to the service', () => {
    writeRelease('1');
    const result = install([], { PREFIX: '/opt/sysray', SYSCONFDIR: '/opt/etc' });
    expect(result.status).toBe(0);
    expect(existsSync(join(stage, 'opt/sysray/bin/sysray'))).toBe(true);
    expect(existsSync(join(stage, 'opt/etc/sysray/sysray.toml'))).toBe(true);
    expect(readFileSync(calls, 'utf8')).toBe(
      'service install --dry-run --config /opt/etc/sysray/sysray.toml\n',
    );
  });

  it('says what is missing and rejects unknown arguments', () => {
    const missing = install();
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no sysray executable in');
    writeRelease('1');
    const unknown = install(['--gateway']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('unknown argument: --gateway');
  });
});
