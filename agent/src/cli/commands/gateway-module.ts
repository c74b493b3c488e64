import type * as Gateway from '@sysray/gateway';
import { CliError } from '../cli-io.js';

export type GatewayModule = typeof Gateway;

/**
 * The gateway is an optional part of an installation: the agent alone (a single executable, a minimal
 * container) ships without it and its native SQLite addon. It is loaded only by the commands that need it.
 */
export async function loadGatewayModule(): Promise<GatewayModule> {
  try {
    return await import('@sysray/gateway');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new CliError(
        'the gateway is not part of this installation (install the sysray npm package or use the gateway image)',
      );
    }
    throw error;
  }
}
