import type { GpuMigDevice } from '@sysray/proto';
import type { Clock } from '../platform/clock.js';
import {
  ToolError,
  firstLine,
  notFoundMessage,
  runTool as defaultRunTool,
  type RunTool,
} from './gpu-exec.js';

/**
 * NVIDIA GPUs through `nvidia-smi`. The NVIDIA driver keeps its counters behind NVML, a user-space library,
 * and exposes no sysfs or procfs file for utilization, memory, power or ECC counts, so this is the one place
 * the agent shells out on a schedule (ARCHITECTURE.md: no shelling out on the hot path). It runs on its own
 * cadence (5 s by default) and the collector serves the last result in between, so a 1 s agent interval does
 * not spawn nvidia-smi every second. Queries use the documented CSV interface (`nvidia-smi --help-query-gpu`,
 * `--help-query-compute-apps`), which NVIDIA keeps stable across driver releases, unlike the table output.
 */

/** The `--query-gpu` fields, in the order the parser reads them. */
export const NVIDIA_GPU_FIELDS = [
  'uuid',
  'index',
  'name',
  'pci.bus_id',
  'utilization.gpu',
  'utilization.memory',
  'memory.used',
  'memory.total',
  'temperature.gpu',
  'power.draw',
  'power.limit',
  'clocks.sm',
  'clocks.mem',
  'fan.speed',
  'ecc.errors.corrected.volatile.total',
  'ecc.errors.uncorrected.volatile.total',
  'mig.mode.current',
] as const;

export const NVIDIA_GPU_QUERY_ARGS: readonly string[] = [
  `--query-gpu=${NVIDIA_GPU_FIELDS.join(',')}`,
  '--format=csv,noheader,nounits',
];
export const NVIDIA_APPS_QUERY_ARGS: readonly string[] = [
  '--query-compute-apps=gpu_uuid,pid,used_memory',
  '--format=csv,noheader,nounits',
];
/** One pmon sample of utilization (`-s u`: sm, mem, enc, dec… per process); pmon samples over about 1 s. */
export const NVIDIA_PMON_ARGS: readonly string[] = ['pmon', '-c', '1', '-s', 'u'];
export const NVIDIA_LIST_ARGS: readonly string[] = ['-L'];

const MIB = 1024 * 1024;

/** One GPU row of `--query-gpu`, units as nvidia-smi prints them with `nounits`. */
export interface NvidiaGpuRow {
  readonly uuid: string;
  readonly index: number;
  readonly name: string | null;
  /** Normalized to the sysfs spelling, `0000:07:00.0`. */
  readonly pciBusId: string | null;
  /** Percent 0..100. */
  readonly utilizationPercent: number | null;
  readonly memoryUtilizationPercent: number | null;
  readonly memoryUsedMiB: number | null;
  readonly memoryTotalMiB: number | null;
  /** Degrees Celsius. */
  readonly temperatureCelsius: number | null;
  /** Watts. */
  readonly powerDrawWatts: number | null;
  readonly powerLimitWatts: number | null;
  /** MHz. */
  readonly smClockMHz: number | null;
  readonly memoryClockMHz: number | null;
  /** Percent of the fan's maximum speed. */
  readonly fanPercent: number | null;
  readonly eccCorrected: number | null;
  readonly eccUncorrected: number | null;
  /** `Enabled` → true, `Disabled` → false, `[N/A]` (no MIG on this GPU) → null. */
  readonly migEnabled: boolean | null;
}

export interface NvidiaComputeApp {
  readonly gpuUuid: string;
  readonly pid: number;
  /** MiB; null where nvidia-smi cannot tell (`[N/A]`, e.g. per-process memory on MIG or Windows WDDM). */
  readonly usedMemoryMiB: number | null;
}

export interface NvidiaPmonRow {
  readonly gpuIndex: number;
  readonly pid: number;
  /** `C` compute, `G` graphics, `C+G` both. */
  readonly type: string;
  /** SM (streaming multiprocessor) utilization, percent; null for `-`. */
  readonly smPercent: number | null;
  /** Memory controller utilization, percent; null for `-`. */
  readonly memPercent: number | null;
  readonly command: string;
}

/**
 * A number from a CSV field. nvidia-smi writes `[N/A]` (or `N/A` in older drivers) for a field the GPU does
 * not have, `[Not Supported]`, `[Unknown Error]` or `[Insufficient Permissions]` for one it cannot read:
 * all of them are "no value" (null), never zero.
 */
export function parseNvidiaNumber(field: string | undefined): number | null {
  if (field === undefined) return null;
  const text = field.trim();
  if (text === '' || text.startsWith('[') || text === 'N/A') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

function parseNvidiaText(field: string | undefined): string | null {
  if (field === undefined) return null;
  const text = field.trim();
  return text === '' || text.startsWith('[') || text === 'N/A' ? null : text;
}

/**
 * NVML prints the PCI domain with 8 hex digits (`00000000:07:00.0`); sysfs and DRM `drm-pdev` use 4
 * (`0000:07:00.0`). Normalized to the sysfs spelling, lower case, so both sources agree on one key.
 */
export function normalizePciBusId(text: string | null): string | null {
  if (text === null) return null;
  const match = /^([0-9a-fA-F]+):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$/.exec(text.trim());
  if (match === null) return null;
  const domain = (match[1] as string).slice(-4).padStart(4, '0');
  return `${domain}:${match[2]}:${match[3]}.${match[4]}`.toLowerCase();
}

/** Splits a CSV line of nvidia-smi: fields are separated by `, ` and never quoted. */
function splitCsv(line: string): string[] {
  return line.split(',').map((part) => part.trim());
}

/**
 * Parses `nvidia-smi --query-gpu=<NVIDIA_GPU_FIELDS> --format=csv,noheader,nounits`: one line per GPU.
 * A name containing a comma (none ship, but the format would not quote it) is rejoined; lines that are not
 * GPU rows (an error message on stdout) are skipped.
 */
export function parseNvidiaGpuQuery(text: string): NvidiaGpuRow[] {
  const rows: NvidiaGpuRow[] = [];
  const count = NVIDIA_GPU_FIELDS.length;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let parts = splitCsv(line);
    if (parts.length < count) continue;
    if (parts.length > count) {
      const extra = parts.length - count;
      parts = [...parts.slice(0, 2), parts.slice(2, 3 + extra).join(', '), ...parts.slice(3 + extra)];
    }
    const uuid = parts[0] as string;
    const index = parseNvidiaNumber(parts[1]);
    if (!uuid.startsWith('GPU-') || index === null || !Number.isInteger(index)) continue;
    const mig = parseNvidiaText(parts[16]);
    rows.push({
      uuid,
      index,
      name: parseNvidiaText(parts[2]),
      pciBusId: normalizePciBusId(parseNvidiaText(parts[3])),
      utilizationPercent: parseNvidiaNumber(parts[4]),
      memoryUtilizationPercent: parseNvidiaNumber(parts[5]),
      memoryUsedMiB: parseNvidiaNumber(parts[6]),
      memoryTotalMiB: parseNvidiaNumber(parts[7]),
      temperatureCelsius: parseNvidiaNumber(parts[8]),
      powerDrawWatts: parseNvidiaNumber(parts[9]),
      powerLimitWatts: parseNvidiaNumber(parts[10]),
      smClockMHz: parseNvidiaNumber(parts[11]),
      memoryClockMHz: parseNvidiaNumber(parts[12]),
      fanPercent: parseNvidiaNumber(parts[13]),
      eccCorrected: parseNvidiaNumber(parts[14]),
      eccUncorrected: parseNvidiaNumber(parts[15]),
      migEnabled: mig === 'Enabled' ? true : mig === 'Disabled' ? false : null,
    });
  }
  return rows;
}

/** Parses `--query-compute-apps=gpu_uuid,pid,used_memory --format=csv,noheader,nounits`; empty when none run. */
export function parseNvidiaComputeApps(text: string): NvidiaComputeApp[] {
  const apps: NvidiaComputeApp[] = [];
  for (const line of text.split('\n')) {
    const parts = splitCsv(line);
    if (parts.length < 3) continue;
    const gpuUuid = parts[0] as string;
    const pid = parseNvidiaNumber(parts[1]);
    if (!gpuUuid.startsWith('GPU-') || pid === null || !Number.isInteger(pid) || pid <= 0) continue;
    apps.push({ gpuUuid, pid, usedMemoryMiB: parseNvidiaNumber(parts[2]) });
  }
  return apps;
}

/**
 * Parses one sample of `nvidia-smi pmon -s u`. Columns are read from the `# gpu pid type sm mem …` header,
 * which grew over driver releases (`jpg` and `ofa` since R470, `fb`/`ccpm` with `-s m`); the command name
 * is last and may contain spaces. A GPU with no process prints a row of `-`, which is skipped. A process
 * listed twice in one sample keeps its highest reading.
 */
export function parseNvidiaPmon(text: string): NvidiaPmonRow[] {
  let columns: string[] | null = null;
  const byKey = new Map<string, NvidiaPmonRow>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      const names = trimmed.slice(1).trim().split(/\s+/);
      if (columns === null && names.includes('pid')) columns = names;
      continue;
    }
    if (columns === null) continue;
    const parts = trimmed.split(/\s+/);
    const at = (name: string): string | undefined => {
      const i = columns?.indexOf(name) ?? -1;
      return i < 0 ? undefined : parts[i];
    };
    const gpuIndex = parseNvidiaNumber(at('gpu'));
    const pid = parseNvidiaNumber(at('pid'));
    if (gpuIndex === null || pid === null || !Number.isInteger(pid) || pid <= 0) continue;
    const commandAt = columns.indexOf('command');
    const command = commandAt >= 0 ? parts.slice(commandAt).join(' ') : '';
    const dash = (value: string | undefined): number | null =>
      value === '-' ? null : parseNvidiaNumber(value);
    const row: NvidiaPmonRow = {
      gpuIndex,
      pid,
      type: at('type') ?? '',
      smPercent: dash(at('sm')),
      memPercent: dash(at('mem')),
      command: command === '-' ? '' : command,
    };
    const key = `${gpuIndex}/${pid}`;
    const previous = byKey.get(key);
    if (previous === undefined || (row.smPercent ?? -1) > (previous.smPercent ?? -1)) byKey.set(key, row);
  }
  return [...byKey.values()];
}

/**
 * Parses `nvidia-smi -L`: `GPU 0: <name> (UUID: GPU-…)` lines, each followed by its MIG devices,
 * `  MIG 1g.5gb     Device  0: (UUID: MIG-…)` (R470+; older drivers wrote `MIG-GPU-<uuid>/<gi>/<ci>`).
 * Returns the MIG devices by parent GPU UUID.
 */
export function parseNvidiaList(text: string): Map<string, GpuMigDevice[]> {
  const result = new Map<string, GpuMigDevice[]>();
  let parent: string | null = null;
  for (const line of text.split('\n')) {
    const gpu = /^GPU\s+\d+:.*\(UUID:\s*(GPU-[^)\s]+)\)/.exec(line.trim());
    if (gpu !== null) {
      parent = gpu[1] as string;
      if (!result.has(parent)) result.set(parent, []);
      continue;
    }
    const mig = /^MIG\s+(\S+)\s+Device\s+(\d+):\s*\(UUID:\s*([^)\s]+)\)/.exec(line.trim());
    if (mig !== null && parent !== null) {
      result.get(parent)?.push({ profile: mig[1] as string, index: Number(mig[2]), uuid: mig[3] as string });
    }
  }
  return result;
}

/** One NVIDIA GPU as the collector reports it, before process attribution. */
export interface NvidiaDevice {
  readonly row: NvidiaGpuRow;
  readonly migDevices: readonly GpuMigDevice[];
}

export interface NvidiaProcessSample {
  readonly gpuUuid: string;
  readonly pid: number;
  readonly usedMemoryBytes: number | null;
  /** SM utilization, fraction 0..1; null without pmon. */
  readonly utilization: number | null;
  /** pmon's command name, for processes the proc root does not show. */
  readonly command: string;
}

/** What one nvidia-smi run found; kept and served until the next run. */
export interface NvidiaSample {
  /** Wall-clock time the run started, Unix epoch milliseconds. */
  readonly sampledAt: number;
  readonly devices: readonly NvidiaDevice[];
  readonly processes: readonly NvidiaProcessSample[];
  /** `nvidia` when nvidia-smi gave no GPU, `nvidia-pmon` when per-process utilization failed. */
  readonly unavailable: Readonly<Record<string, string>>;
}

export interface NvidiaSmiOptions {
  /** The executable, looked up on PATH when it has no slash; null disables the NVIDIA source. */
  readonly command?: string | null;
  /** Cadence of nvidia-smi runs, milliseconds; results are reused in between. */
  readonly intervalMs?: number;
  /** Longest one nvidia-smi invocation may run, milliseconds (a GPU fallen off the bus can hang NVML). */
  readonly timeoutMs?: number;
  /** Run `nvidia-smi pmon` for per-process SM utilization (one extra ~1 s run per cadence). */
  readonly processUtilization?: boolean;
  /**
   * When a run is due, how long a collection waits for it before serving the previous result,
   * milliseconds. The first run is always awaited.
   */
  readonly maxWaitMs?: number;
  /** Test injection: runs the tool. */
  readonly runTool?: RunTool;
}

export const DEFAULT_NVIDIA_INTERVAL_MS = 5000;
const DEFAULT_NVIDIA_TIMEOUT_MS = 5000;
const DEFAULT_MAX_WAIT_MS = 1500;
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

/** A reason that names the tool and the first line it printed, with the exit status. */
function exitReason(
  command: string,
  args: readonly string[],
  exitCode: number,
  stdout: string,
  stderr: string,
) {
  const said = firstLine(stdout) || firstLine(stderr) || 'no output';
  return `${command} ${args[0] ?? ''} exited with status ${exitCode}: ${said}`;
}

/**
 * The NVIDIA source: runs nvidia-smi on its cadence and keeps the last sample. Absent nvidia-smi, "No devices
 * were found" and NVML failures (driver/library mismatch after a driver upgrade without reboot) are not
 * errors: the sample has no devices and says why.
 */
export class NvidiaSmiSource {
  private readonly command: string | null;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly processUtilization: boolean;
  private readonly maxWaitMs: number;
  private readonly run: RunTool;
  private cache: NvidiaSample | null = null;
  private startedAtMs = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | null = null;

  constructor(options: NvidiaSmiOptions = {}) {
    this.command = options.command === undefined ? 'nvidia-smi' : options.command;
    // Implicitly bad numbers are clamped (STYLE.md): a cadence under 1 s would spawn nvidia-smi per tick.
    this.intervalMs = Math.max(1000, options.intervalMs ?? DEFAULT_NVIDIA_INTERVAL_MS);
    this.timeoutMs = Math.max(100, options.timeoutMs ?? DEFAULT_NVIDIA_TIMEOUT_MS);
    this.processUtilization = options.processUtilization ?? true;
    this.maxWaitMs = Math.max(0, options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
    this.run = options.runTool ?? defaultRunTool;
  }

  /** The latest sample, starting a run when one is due. */
  async sample(clock: Clock): Promise<NvidiaSample> {
    if (this.command === null) {
      return {
        sampledAt: clock.wallMs(),
        devices: [],
        processes: [],
        unavailable: { nvidia: 'disabled (no nvidia-smi command configured)' },
      };
    }
    const now = clock.monotonicMs();
    if (this.inFlight === null && (this.cache === null || now - this.startedAtMs >= this.intervalMs)) {
      this.startedAtMs = now;
      const command = this.command;
      const sampledAt = clock.wallMs();
      this.inFlight = this.refresh(command, sampledAt)
        .then(
          (sample) => {
            this.cache = sample;
          },
          // refresh() turns every tool failure into a reason; this only catches a bug, kept off the event loop.
          (error: unknown) => {
            const message = error instanceof Error ? error.message : String(error);
            this.cache = { sampledAt, devices: [], processes: [], unavailable: { nvidia: message } };
          },
        )
        .finally(() => {
          this.inFlight = null;
        });
    }
    const pending = this.inFlight;
    if (pending !== null) {
      if (this.cache === null) await pending;
      else await waitAtMost(pending, this.maxWaitMs);
    }
    return this.cache as NvidiaSample;
  }

  /** Resolves when no run is in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight !== null) await this.inFlight;
  }

  private async refresh(command: string, sampledAt: number): Promise<NvidiaSample> {
    const options = { timeoutMs: this.timeoutMs, maxBufferBytes: MAX_OUTPUT_BYTES };
    const none = (reason: string): NvidiaSample => ({
      sampledAt,
      devices: [],
      processes: [],
      unavailable: { nvidia: reason },
    });
    // The three queries are independent; pmon samples for about a second, so they run side by side.
    const settle = (args: readonly string[]) =>
      this.run(command, args, options).then(
        (result) => ({ result, error: null }),
        (error: unknown) => ({ result: null, error: error as Error }),
      );
    const [gpus, apps, pmon] = await Promise.all([
      settle(NVIDIA_GPU_QUERY_ARGS),
      settle(NVIDIA_APPS_QUERY_ARGS),
      this.processUtilization ? settle(NVIDIA_PMON_ARGS) : Promise.resolve(null),
    ]);

    if (gpus.error !== null) {
      const error = gpus.error;
      if (error instanceof ToolError && error.notFound) {
        return none(`${notFoundMessage(command)} (no NVIDIA driver user space installed)`);
      }
      return none(error.message);
    }
    const gpuResult = gpus.result;
    if (gpuResult.exitCode !== 0) {
      // "No devices were found" (status 6), "Failed to initialize NVML: Driver/library version mismatch"
      // (status 18), "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver" (9).
      return none(
        exitReason(command, NVIDIA_GPU_QUERY_ARGS, gpuResult.exitCode, gpuResult.stdout, gpuResult.stderr),
      );
    }
    const rows = parseNvidiaGpuQuery(gpuResult.stdout);
    if (rows.length === 0) {
      return none(`${command} listed no GPU: ${firstLine(gpuResult.stdout) || 'empty output'}`);
    }

    const unavailable: Record<string, string> = {};
    let migByUuid = new Map<string, GpuMigDevice[]>();
    if (rows.some((row) => row.migEnabled === true)) {
      try {
        const list = await this.run(command, NVIDIA_LIST_ARGS, options);
        if (list.exitCode === 0) migByUuid = parseNvidiaList(list.stdout);
        else
          unavailable['nvidia-mig'] = exitReason(
            command,
            NVIDIA_LIST_ARGS,
            list.exitCode,
            list.stdout,
            list.stderr,
          );
      } catch (error) {
        unavailable['nvidia-mig'] = (error as Error).message;
      }
    }

    let computeApps: NvidiaComputeApp[] = [];
    if (apps.result !== null && apps.result.exitCode === 0)
      computeApps = parseNvidiaComputeApps(apps.result.stdout);
    else if (apps.result !== null) {
      unavailable['nvidia-apps'] = exitReason(
        command,
        NVIDIA_APPS_QUERY_ARGS,
        apps.result.exitCode,
        apps.result.stdout,
        apps.result.stderr,
      );
    } else if (apps.error !== null) unavailable['nvidia-apps'] = apps.error.message;

    let pmonRows: NvidiaPmonRow[] = [];
    if (pmon === null) unavailable['nvidia-pmon'] = 'disabled';
    else if (pmon.result !== null && pmon.result.exitCode === 0)
      pmonRows = parseNvidiaPmon(pmon.result.stdout);
    else if (pmon.result !== null) {
      unavailable['nvidia-pmon'] = exitReason(
        command,
        NVIDIA_PMON_ARGS,
        pmon.result.exitCode,
        pmon.result.stdout,
        pmon.result.stderr,
      );
    } else if (pmon.error !== null) unavailable['nvidia-pmon'] = pmon.error.message;

    return {
      sampledAt,
      devices: rows.map((row) => ({ row, migDevices: migByUuid.get(row.uuid) ?? [] })),
      processes: mergeNvidiaProcesses(rows, computeApps, pmonRows),
      unavailable,
    };
  }
}

/**
 * Compute apps (with memory) and pmon rows (with SM utilization, graphics processes too) joined on GPU and
 * pid. pmon keys GPUs by index, compute apps by UUID; the GPU query maps one to the other.
 */
export function mergeNvidiaProcesses(
  rows: readonly NvidiaGpuRow[],
  apps: readonly NvidiaComputeApp[],
  pmon: readonly NvidiaPmonRow[],
): NvidiaProcessSample[] {
  const uuidByIndex = new Map(rows.map((row) => [row.index, row.uuid]));
  const known = new Set(rows.map((row) => row.uuid));
  const merged = new Map<
    string,
    { gpuUuid: string; pid: number; memory: number | null; util: number | null; command: string }
  >();
  for (const app of apps) {
    if (!known.has(app.gpuUuid)) continue;
    const key = `${app.gpuUuid}/${app.pid}`;
    const bytes = app.usedMemoryMiB === null ? null : app.usedMemoryMiB * MIB;
    const previous = merged.get(key);
    // A process with several contexts on one GPU is listed once per context.
    const memory =
      previous?.memory == null ? bytes : bytes === null ? previous.memory : previous.memory + bytes;
    merged.set(key, { gpuUuid: app.gpuUuid, pid: app.pid, memory, util: null, command: '' });
  }
  for (const row of pmon) {
    const gpuUuid = uuidByIndex.get(row.gpuIndex);
    if (gpuUuid === undefined) continue;
    const key = `${gpuUuid}/${row.pid}`;
    const util = row.smPercent === null ? null : Math.min(1, Math.max(0, row.smPercent / 100));
    const entry = merged.get(key);
    if (entry === undefined)
      merged.set(key, { gpuUuid, pid: row.pid, memory: null, util, command: row.command });
    else {
      entry.util = util;
      entry.command = row.command;
    }
  }
  return [...merged.values()].map((entry) => ({
    gpuUuid: entry.gpuUuid,
    pid: entry.pid,
    usedMemoryBytes: entry.memory,
    utilization: entry.util,
    command: entry.command,
  }));
}

/** Waits for `promise` at most `ms` milliseconds; never rejects. */
async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([
      promise.then(
        () => undefined,
        () => undefined,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Converts a row's units to the Snapshot's: MiB → bytes, percent → fraction, MHz → Hz. */
export const nvidiaUnits = {
  bytesFromMiB: (value: number | null): number | null => (value === null ? null : value * MIB),
  fraction: (percent: number | null): number | null =>
    percent === null ? null : Math.min(1, Math.max(0, percent / 100)),
  hertzFromMHz: (value: number | null): number | null => (value === null ? null : value * 1_000_000),
};
