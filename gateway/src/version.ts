import { readFileSync } from 'node:fs';

function readGatewayVersion(): string {
  try {
    // src/version.ts and dist/version.js both sit one level below the gateway package root.
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** The gateway's version, in `sysray_gateway_build_info` and the OpenAPI document. */
export const GATEWAY_VERSION: string = readGatewayVersion();
