/** Human formatting shared by `top`, `watch`, `inventory` and the TUI. */

const IEC_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 → `1.5 KiB`. Binary units, because memory and disk sizes are powers of two. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '-';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < IEC_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const sign = bytes < 0 ? '-' : '';
  return `${sign}${unit === 0 ? value.toFixed(0) : value.toFixed(value < 10 ? 1 : 0)} ${IEC_UNITS[unit]}`;
}

/** A rate in bytes per second: `1.2 MiB/s`. */
export function formatByteRate(bytesPerSec: number | null | undefined): string {
  return bytesPerSec === null || bytesPerSec === undefined ? '-' : `${formatBytes(bytesPerSec)}/s`;
}

/** Fraction 0..1 → `12.3%`. */
export function formatFraction(fraction: number | null | undefined, digits = 1): string {
  return fraction === null || fraction === undefined || !Number.isFinite(fraction)
    ? '-'
    : `${(fraction * 100).toFixed(digits)}%`;
}

/** Percent 0..100 → `12.3%`. */
export function formatPercent(percent: number | null | undefined, digits = 1): string {
  return percent === null || percent === undefined || !Number.isFinite(percent)
    ? '-'
    : `${percent.toFixed(digits)}%`;
}

/** Seconds → `3d 4h`, `5h 12m`, `7m 3s`. */
export function formatUptime(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '-';
  const s = Math.floor(seconds);
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  return `${minutes}m ${s % 60}s`;
}

/** Pads or cuts to exactly `width` columns (cut text ends with `…`). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
  return align === 'left' ? text.padEnd(width) : text.padStart(width);
}
