import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/cli-io.js';
import { main } from '../../src/cli/main.js';

function io(env: Record<string, string> = {}): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env: { SYSRAY_CONFIG: '/nonexistent/sysray.toml', ...env },
    interrupted: new Promise(() => undefined),
    out: () => out,
    err: () => err,
  };
}

function file(text: string): string {
  const target = path.join(mkdtempSync(path.join(tmpdir(), 'sysray-cmd-')), 'sysray.toml');
  writeFileSync(target, text);
  return target;
}

describe('sysray config check', () => {
  it('exits 0 for a valid file and says how much it sets', async () => {
    const configPath = file('[agent]\ninterval = "10s"\n[http]\nlisten = "127.0.0.1:9100"\n');
    const cli = io();
    expect(await main(['config', 'check', '--config', configPath], cli)).toBe(0);
    expect(cli.out()).toBe(`configuration ok: ${configPath}; 2 keys set, the rest default\n`);
  });

  it('exits 2 listing every error with its line', async () => {
    const configPath = file('[agent]\ninterval = "10x"\n\n[collectors.processes]\nlimt = 5\n');
    const cli = io({ SYSRAY_LOGGING_FORMAT: 'xml' });
    expect(await main(['config', 'check', '--config', configPath], cli)).toBe(2);
    expect(cli.err()).toBe(
      [
        'sysray: invalid configuration (3 errors):',
        `  ${configPath}:2: agent.interval: invalid duration "10x" (use e.g. 500ms, 2s, 1m, 1h, 7d)`,
        `  ${configPath}:5: collectors.processes.limt: unknown key (did you mean "collectors.processes.limit"?)`,
        '  env SYSRAY_LOGGING_FORMAT: logging.format: must be one of "json", "pretty", got "xml"',
        '',
      ].join('\n'),
    );
  });

  it('fails for a missing file named by SYSRAY_CONFIG', async () => {
    const cli = io();
    expect(await main(['config', 'check'], cli)).toBe(2);
    expect(cli.err()).toContain('/nonexistent/sysray.toml: config file not found (from SYSRAY_CONFIG)');
  });
});

describe('sysray config print', () => {
  it('prints the effective configuration with secrets masked', async () => {
    const configPath = file(
      '[http]\ntoken = "abc123"\n[exporters.otlp]\nheaders = { authorization = "Bearer zzz" }\n',
    );
    const cli = io({ SYSRAY_AGENT_INTERVAL: '15s' });
    expect(await main(['--rootfs', '/host', 'config', 'print', '--config', configPath], cli)).toBe(0);
    const text = cli.out();
    expect(text).toContain('interval = "15s"  # env SYSRAY_AGENT_INTERVAL');
    expect(text).toContain('rootfs = "/host"  # flag --rootfs');
    expect(text).toContain('token = "***"');
    expect(text).toContain('headers = { authorization = "***" }');
    expect(text).not.toMatch(/abc123|zzz/);
  });
});
