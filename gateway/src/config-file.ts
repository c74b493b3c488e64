import { readFileSync } from 'node:fs';
import { parse, TomlError } from 'smol-toml';
import { GatewayConfigError, type GatewayConfigInput } from './config.js';

/**
 * Reads a gateway configuration file (TOML). Keys are written in snake_case (`data_dir`,
 * `stale_after_ms`, `[listen.otlp_grpc]`) and map one to one onto GatewayConfig's camelCase fields;
 * the keys of `headers` tables are kept as written (they are gRPC metadata names).
 */
export function loadGatewayConfigFile(path: string): GatewayConfigInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new GatewayConfigError([`cannot read the configuration file ${path}: ${(error as Error).message}`]);
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = parse(text) as Record<string, unknown>;
  } catch (error) {
    const where = error instanceof TomlError ? ` at line ${error.line}, column ${error.column}` : '';
    const message = (error as Error).message.split('\n')[0] ?? String(error);
    throw new GatewayConfigError([`${path}${where}: ${message}`]);
  }
  return camelKeys(parsed) as GatewayConfigInput;
}

function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function camelKeys(value: unknown, keepKeys = false): unknown {
  if (Array.isArray(value)) return value.map((item) => camelKeys(item));
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, child]) => [
      keepKeys ? key : camel(key),
      camelKeys(child, key === 'headers'),
    ]),
  );
}
