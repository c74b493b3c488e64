import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../src/config/load.js';
import { CONFIG_KEYS } from '../../src/config/schema.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const DOCS = readFileSync(`${REPO}docs/configuration.md`, 'utf8');
const EXAMPLE_PATH = `${REPO}deploy/sysray.example.toml`;
const EXAMPLE = readFileSync(EXAMPLE_PATH, 'utf8');

describe('docs/configuration.md', () => {
  it('documents every key with its environment variable and flag', () => {
    const missing: string[] = [];
    for (const spec of CONFIG_KEYS) {
      const name = spec.key.split('.').pop() ?? '';
      if (!DOCS.includes(`\`${name}\``) && !DOCS.includes(`\`${spec.key}\``)) missing.push(spec.key);
      // The per-collector intervals are documented by their pattern, SYSRAY_AGENT_INTERVALS_<COLLECTOR>.
      if (!spec.key.startsWith('agent.intervals.') && !DOCS.includes(spec.env)) missing.push(spec.env);
      for (const alias of spec.envAliases) if (!DOCS.includes(alias)) missing.push(alias);
      if (spec.flag !== null) {
        const flags = spec.flag.startsWith('--[no-]')
          ? [`--${spec.flag.slice(7)}`, `--no-${spec.flag.slice(7)}`]
          : [spec.flag];
        for (const flag of flags) if (!DOCS.includes(flag)) missing.push(flag);
      }
    }
    expect(missing).toEqual([]);
    expect(DOCS).toContain('SYSRAY_AGENT_INTERVALS_<COLLECTOR>');
  });
});

describe('deploy/sysray.example.toml', () => {
  it('is a valid configuration', () => {
    const loaded = loadConfig({ configPath: EXAMPLE_PATH, env: {} });
    expect(loaded.config.agent.intervalsMs).toEqual({ system: 60_000 });
    expect(loaded.config.collectors.network.exclude).toEqual(['veth.*']);
  });

  it('shows every key, commented out or set, and uncommented it is still valid', () => {
    for (const spec of CONFIG_KEYS) {
      if (
        spec.key.startsWith('agent.intervals.') &&
        !['agent.intervals.system', 'agent.intervals.processes'].includes(spec.key)
      )
        continue;
      const name = spec.key.split('.').pop() ?? '';
      expect(EXAMPLE, spec.key).toMatch(new RegExp(`^(# )?${name} = `, 'm'));
    }
    // Uncomment every `# key = value` line that has a literal value (not `[...]`) and validate the result.
    const uncommented = EXAMPLE.split('\n')
      .map((line) => (/^# [a-z_]+ = (?!\[\.\.\.\])/.test(line) ? line.slice(2) : line))
      .join('\n')
      // The commented examples of one key appear twice; keep the last listen and the token it needs.
      .replace('listen = "127.0.0.1:9464"\n', '');
    const parsed = parseConfigText(uncommented, 'uncommented.toml');
    expect(parsed.issues).toEqual([]);
  });
});
