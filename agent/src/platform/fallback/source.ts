import type { CpuInfo } from 'node:os';
import os from 'node:os';
import type { Systeminformation as Si } from 'systeminformation';

/**
 * What the fallback collectors read: the few `systeminformation` (v5) functions they call and the parts of
 * Node's `os` module they use. Both are injected so tests run the collectors on outputs recorded from a
 * macOS and a Windows host; the defaults are the real library (loaded on first use, so the Linux path
 * never loads it) and `node:os`.
 *
 * systeminformation keeps module-level state of its own: `disksIO`, `fsStats`, `networkStats` and
 * `processes` return the previous (cached) result when called again within 500 ms. The collectors compute
 * their rates from the cumulative counters with their own clock and ignore si's `*_sec` fields.
 */
export interface SiApi {
  osInfo(): Promise<Si.OsData>;
  uuid(): Promise<Si.UuidData>;
  cpu(): Promise<Si.CpuData>;
  system(): Promise<Si.SystemData>;
  /** Synchronous in v5; a promise is accepted too. */
  time(): Si.TimeData | Promise<Si.TimeData>;
  mem(): Promise<Si.MemData>;
  /** Physical disks (system_profiler on macOS, Win32_DiskDrive on Windows, lsblk on Linux). */
  diskLayout(): Promise<Si.DiskLayoutData[]>;
  /** Machine-wide totals; resolves null on Windows. */
  disksIO(): Promise<Si.DisksIoData | null>;
  /** Machine-wide totals; resolves null on Windows. */
  fsStats(): Promise<Si.FsStatsData | null>;
  fsSize(): Promise<Si.FsSizeData[]>;
  networkInterfaces(): Promise<Si.NetworkInterfacesData[] | Si.NetworkInterfacesData>;
  /** Comma-separated interface names. */
  networkStats(ifaces: string): Promise<Si.NetworkStatsData[]>;
  networkConnections(): Promise<Si.NetworkConnectionsData[]>;
  processes(): Promise<Si.ProcessesData>;
}

/** The parts of `node:os` the fallback uses. */
export interface OsApi {
  /** Per logical CPU: model, speed (MHz) and cumulative times in milliseconds, on every OS. */
  cpus(): readonly CpuInfo[];
  /** 1, 5 and 15 minute load averages; always `[0, 0, 0]` on Windows (Node docs, `os.loadavg()`). */
  loadavg(): readonly number[];
  /** Kernel version string: `uname -v` on POSIX, the product name on Windows. */
  version(): string;
}

/** How the fallback factories are wired; every field defaults to the real host. */
export interface FallbackSourceOptions {
  /** systeminformation or a stand-in with the same functions; the real library when absent. */
  readonly si?: SiApi | undefined;
  readonly os?: OsApi | undefined;
  /** Which OS the data comes from (Node's naming); decides per-OS units and meanings. */
  readonly platform?: NodeJS.Platform | undefined;
}

export interface FallbackSources {
  /** Resolves the systeminformation API, loading the real library on first use. */
  readonly si: () => Promise<SiApi>;
  readonly os: OsApi;
  readonly platform: NodeJS.Platform;
}

/**
 * A number the Snapshot type requires but systeminformation cannot give on the fallback path. It is 0 so
 * the record stays well-typed; `fallbackPlaceholderFields()` lists every field that carries it, so a
 * reader can show "n/a" rather than a measured zero. Where the type allows null, the fallback uses null.
 */
export const UNAVAILABLE = 0;

/**
 * systeminformation answers `disksIO`, `fsStats` and `networkStats` from a cache when called again within
 * this many milliseconds (lib/filesystem.js, lib/network.js), so counters read sooner are stale: the
 * collectors give null rates for such a short interval and keep their earlier baseline.
 */
export const SI_CACHE_WINDOW_MS = 500;

const nodeOs: OsApi = {
  cpus: () => os.cpus(),
  loadavg: () => os.loadavg(),
  version: () => os.version(),
};

/** Loads the real systeminformation module (CommonJS) through dynamic import. */
export async function loadSystemInformation(): Promise<SiApi> {
  const loaded = await import('systeminformation');
  // Assigning the real module's typings here is what checks SiApi against systeminformation's own.
  const api: SiApi = loaded.default;
  return api;
}

export function resolveFallbackSources(options: FallbackSourceOptions = {}): FallbackSources {
  const injected = options.si;
  return {
    si: injected === undefined ? loadSystemInformation : () => Promise.resolve(injected),
    os: options.os ?? nodeOs,
    platform: options.platform ?? process.platform,
  };
}

/**
 * Calls one systeminformation function. The library swallows most failures into default values; what it
 * does throw becomes an Error that names the function, so the section error says where it failed.
 */
export async function callSi<T>(name: string, call: () => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new Error(`systeminformation ${name}() failed: ${(error as Error)?.message ?? String(error)}`, {
      cause: error,
    });
  }
}

/** A finite number, or null for what si leaves empty ('' on Windows, null, NaN). */
export function finiteOrNull(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? number : null;
}

/** A non-empty trimmed string, or null. */
export function textOrNull(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
