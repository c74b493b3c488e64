import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'smol-toml';
import { loadConfig, parseConfigText } from '../../src/config/load.js';
import { MASK, printConfig } from '../../src/config/print.js';
import { CONFIG_KEYS, buildAgentConfig } from '../../src/config/schema.js';

describe('printConfig', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sysray-print-'));
  const configPath = path.join(dir, 'sysray.toml');
  writeFileSync(
    configPath,
    [
      '[agent.intervals]',
      'processes = "15s"',
      '[http]',
      'token = "very-secret-token"',
      '[exporters.otlp]',
      'enabled = true',
      'endpoint = "https://otel.example:4317"',
      'headers = { authorization = "Bearer hunter2", "x-scope" = "tenant-1" }',
      '[collectors.disks]',
      'exclude = ["loop\\\\d+", "sd\\"x"]',
    ].join('\n'),
  );
  const loaded = loadConfig({
    configPath,
    env: { SYSRAY_LOGGING_LEVEL: 'debug' },
    flags: { 'agent.interval': '2s' },
  });
  const text = printConfig(loaded);

  it('masks the token and every header value', () => {
    expect(text).not.toContain('very-secret-token');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('tenant-1');
    expect(text).toContain(`token = "${MASK}"`);
    expect(text).toContain(`headers = { authorization = "${MASK}", x-scope = "${MASK}" }`);
  });

  it('says where environment and flag values came from, and lists unset keys as comments', () => {
    expect(text).toContain('interval = "2s"  # flag --interval');
    expect(text).toContain('level = "debug"  # env SYSRAY_LOGGING_LEVEL');
    expect(text).toContain('# proc_root is unset');
    expect(text).toContain(`# Effective sysray configuration. File: ${configPath}`);
  });

  it('prints every key, and parses back to the same configuration apart from the secrets', () => {
    const tomlKeys = new Set<string>();
    const walk = (node: Record<string, unknown>, prefix: string): void => {
      for (const [key, value] of Object.entries(node)) {
        const full = prefix === '' ? key : `${prefix}.${key}`;
        if (
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          full !== 'exporters.otlp.headers'
        ) {
          walk(value as Record<string, unknown>, full);
        } else tomlKeys.add(full);
      }
    };
    walk(parse(text), '');
    const printable = CONFIG_KEYS.filter(
      (k) => !/^agent\.(proc_root|sys_root)$|^agent\.intervals\.(?!processes)|_file$/.test(k.key),
    );
    expect([...tomlKeys].sort()).toEqual(printable.map((k) => k.key).sort());

    const reparsed = parseConfigText(text, 'printed.toml');
    expect(reparsed.issues).toEqual([]);
    const config = buildAgentConfig(reparsed.values);
    expect(config).toEqual({
      ...loaded.config,
      http: { ...loaded.config.http, token: MASK },
      exporters: {
        ...loaded.config.exporters,
        otlp: { ...loaded.config.exporters.otlp, headers: { authorization: MASK, 'x-scope': MASK } },
      },
    });
    expect(config.collectors.disks.exclude).toEqual(['loop\\d+', 'sd"x']);
  });
});
