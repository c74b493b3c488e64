import type { PressureLine, PressureResource } from '@sysray/proto';

/**
 * Parses a PSI file (`/proc/pressure/<resource>` or a cgroup's `<resource>.pressure`), format from
 * Documentation/accounting/psi.rst:
 *
 *   some avg10=0.00 avg60=0.00 avg300=0.00 total=0
 *   full avg10=0.00 avg60=0.00 avg300=0.00 total=0
 *
 * `total` is microseconds. The `full` line is missing for cpu before Linux 5.13; it is null then. The
 * `some` line is missing for irq (Linux 6.1+ prints only `full` there); it is null then.
 * Returns null when the text has neither line.
 */
export function parsePressure(text: string): PressureResource | null {
  let some: PressureLine | null = null;
  let full: PressureLine | null = null;
  for (const line of text.split('\n')) {
    const [kind, ...pairs] = line.trim().split(/\s+/);
    if (kind !== 'some' && kind !== 'full') continue;
    const values = new Map<string, number>();
    for (const pair of pairs) {
      const eq = pair.indexOf('=');
      if (eq > 0) values.set(pair.slice(0, eq), Number(pair.slice(eq + 1)));
    }
    const parsed: PressureLine = {
      avg10: values.get('avg10') ?? 0,
      avg60: values.get('avg60') ?? 0,
      avg300: values.get('avg300') ?? 0,
      totalSeconds: (values.get('total') ?? 0) / 1e6,
    };
    if (kind === 'some') some = parsed;
    else full = parsed;
  }
  return some === null && full === null ? null : { some, full };
}
