import { existsSync } from 'node:fs';
import type { PressureData, PressureResource } from '@sysray/proto';
import { procPath } from '../platform/host-roots.js';
import { readKernelFileSync } from '../platform/read.js';
import { parsePressure } from './pressure-parse.js';
import type { Collector } from './types.js';
import { ok, unsupported } from './types.js';

export type PressureResourceName = 'cpu' | 'memory' | 'io' | 'irq';

export const PRESSURE_RESOURCES: readonly PressureResourceName[] = ['cpu', 'memory', 'io', 'irq'];

function isNotSupportedError(error: unknown): boolean {
  // EOPNOTSUPP and ENOTSUP are the same errno (95) on Linux; libuv names it ENOTSUP.
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EOPNOTSUPP' || code === 'ENOTSUP';
}

/** Why a resource file may be missing while /proc/pressure exists. */
function missingReason(resource: PressureResourceName, path: string): string {
  return resource === 'irq'
    ? `${path} not present (needs Linux 6.1+ with CONFIG_IRQ_TIME_ACCOUNTING)`
    : `${path} not present`;
}

/** Nothing to configure yet; the factory takes options like every other collector's. */
export type PressureCollectorOptions = Readonly<Record<string, never>>;

/**
 * The `pressure` section: system-wide pressure stall information (Documentation/accounting/psi.rst) from
 * `/proc/pressure/{cpu,memory,io,irq}`. No `/proc/pressure` at all, or PSI compiled in but disabled at
 * boot, is `unsupported`; a single missing file is that resource null with its reason.
 */
export function createPressureCollector(_options: PressureCollectorOptions = {}): Collector<'pressure'> {
  return {
    section: 'pressure',
    async collect(context) {
      const { roots } = context;
      const dir = procPath(roots, 'pressure');
      const result: Record<PressureResourceName, PressureResource | null> = {
        cpu: null,
        memory: null,
        io: null,
        irq: null,
      };
      const unavailable: Record<string, string> = {};
      let found = 0;

      for (const resource of PRESSURE_RESOURCES) {
        const path = procPath(roots, 'pressure', resource);
        let text: string | null;
        try {
          text = readKernelFileSync(path);
        } catch (error) {
          // PSI compiled in but disabled at boot (psi=0, or CONFIG_PSI_DEFAULT_DISABLED=y without psi=1): kernels
          // that still create the files fail the read with EOPNOTSUPP (psi_show() in kernel/sched/psi.c).
          if (isNotSupportedError(error)) {
            return unsupported(
              `PSI is disabled on this kernel: reading ${path} fails with EOPNOTSUPP (boot with psi=1)`,
            );
          }
          throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
        }
        if (text === null) {
          unavailable[resource] = missingReason(resource, path);
          continue;
        }
        found++;
        const parsed = parsePressure(text);
        if (parsed === null)
          throw new Error(`${path}: no "some" or "full" line in ${JSON.stringify(text.slice(0, 80))}`);
        result[resource] = parsed;
      }

      if (found === 0 && !existsSync(dir)) {
        return unsupported(
          `${dir} not present: PSI needs Linux 4.20+ built with CONFIG_PSI=y ` +
            '(and booted with psi=1 where CONFIG_PSI_DEFAULT_DISABLED=y)',
        );
      }
      const data: PressureData = { ...result, unavailable };
      return ok(data);
    },
  };
}
