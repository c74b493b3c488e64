import { readFileSync } from 'node:fs';

function readAgentVersion(): string {
  try {
    // src/version.ts and dist/version.js both sit one level below the agent package root.
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** The agent's version, as `service.version` and in every Snapshot. */
export const AGENT_VERSION: string = readAgentVersion();
