/** Display helpers. Inputs state their units; outputs are short strings for tables and axes. */

export function pct(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? '–' : `${(ratio * 100).toFixed(ratio < 0.1 ? 1 : 0)}%`;
}

/** PSI avg10, already percent. */
export function psi(percent: number | null | undefined): string {
  return percent === null || percent === undefined ? '–' : `${percent.toFixed(1)}%`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function bytes(value: number | null | undefined, suffix = ''): string {
  if (value === null || value === undefined) return '–';
  let scaled = Math.abs(value);
  let unit = 0;
  while (scaled >= 1024 && unit < BYTE_UNITS.length - 1) {
    scaled /= 1024;
    unit += 1;
  }
  const sign = value < 0 ? '-' : '';
  return `${sign}${scaled.toFixed(scaled >= 100 || unit === 0 ? 0 : 1)} ${BYTE_UNITS[unit]}${suffix}`;
}

export function num(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined ? '–' : value.toFixed(digits);
}

/** Seconds to "3d 4h", "5h 12m", "42m". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '–';
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return `${m}m`;
}

export function ago(ms: number | null | undefined, nowMs = Date.now()): string {
  if (ms === null || ms === undefined) return '–';
  return `${duration(Math.max(0, (nowMs - ms) / 1000))} ago`;
}

/** Format for an axis or cell given a UCUM unit. */
export function byUnit(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined) return '–';
  if (unit === '1') return pct(value);
  if (unit === '%') return psi(value);
  if (unit === 'By') return bytes(value);
  if (unit === 'By/s') return bytes(value, '/s');
  if (unit === 's/s') return `${value.toFixed(2)} s/s`;
  if (Math.abs(value) >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (Math.abs(value) >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(Math.abs(value) < 10 ? 2 : 0);
}
