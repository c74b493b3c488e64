import { stringify } from 'smol-toml';
import type { KeySpec } from './schema.js';
import { CONFIG_KEYS } from './schema.js';
import type { LoadedConfig, ValueOrigin } from './load.js';
import { describeOrigin } from './load.js';
import type { PrintedValue } from './values.js';

/** What a secret prints as. */
export const MASK = '***';

/** `key = value` in TOML syntax; smol-toml does the quoting and escaping. */
function assignment(name: string, value: PrintedValue): string {
  if (typeof value === 'object' && !Array.isArray(value)) {
    // Maps print inline so every key of a section stays under its own header.
    const entries = Object.entries(value as Record<string, string>).map(([k, v]) =>
      stringify({ [k]: v }).trim(),
    );
    return `${stringify({ [name]: 0 })
      .trim()
      .replace(/= 0$/, '=')} { ${entries.join(', ')} }`.replace('{  }', '{}');
  }
  return stringify({ [name]: value }).trim();
}

function masked(spec: KeySpec, value: PrintedValue | undefined): PrintedValue | undefined {
  if (!spec.secret || value === undefined) return value;
  if (typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.keys(value).map((k) => [k, MASK]));
  }
  return MASK;
}

/** The value of a key in the loaded config, in the typed form the spec prints from. */
function currentValue(loaded: LoadedConfig, spec: KeySpec): unknown {
  return loaded.values.has(spec.key) ? loaded.values.get(spec.key) : spec.default;
}

/**
 * The effective configuration as TOML: every key, in schema order, with secrets (tokens, header values)
 * masked, unset keys as comments, and the source of values that came from the environment or a flag.
 * The output parses back to the same configuration apart from the masked secrets.
 */
export function printConfig(loaded: LoadedConfig): string {
  const out: string[] = [`# Effective sysray configuration. File: ${loaded.file ?? '(none, defaults)'}`];
  let table: string | undefined;
  for (const spec of CONFIG_KEYS) {
    const parts = spec.key.split('.');
    const name = parts.pop() ?? spec.key;
    const header = parts.join('.');
    if (header !== table) {
      out.push('', `[${header}]`);
      table = header;
    }
    const value = masked(spec, spec.type.toToml(currentValue(loaded, spec)));
    const origin: ValueOrigin | undefined = loaded.origins.get(spec.key);
    const note =
      origin !== undefined && (origin.kind === 'env' || origin.kind === 'flag')
        ? `  # ${describeOrigin(origin)}`
        : '';
    out.push(value === undefined ? `# ${name} is unset` : `${assignment(name, value)}${note}`);
  }
  return `${out.join('\n')}\n`;
}
