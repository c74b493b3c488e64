import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Section, SectionName, Sections, Snapshot } from '@sysray/proto';
import type { CollectorsConfig } from '../collectors/config.js';
import { DEFAULT_COLLECTORS_CONFIG } from '../collectors/config.js';
import { procPath, type HostRoots } from '../platform/host-roots.js';
import { createRedactor } from '../redact.js';
import { HostSession } from '../snapshot/host-session.js';
import { buildSnapshot } from '../snapshot/scheduler.js';
import { loadExplain } from './explain.js';
import { loadInsights } from './insights.js';
import { TuiModel } from './model.js';
import { assertTerminal, mountTui, type MountOptions } from './mount.js';
import { RECORDING_DIR, RecordingControl } from './recording.js';
import { prepareSnapshot } from './sanitize.js';
import { saveSnapshotFile } from './save.js';
import { themeIndex } from './themes.js';

export interface RunTuiOptions extends MountOptions {
  readonly roots: HostRoots;
  /** Refresh interval, milliseconds. */
  readonly intervalMs: number;
  /** Processes kept in detail per sample (the Processes tab lists these). */
  readonly processLimit?: number;
  readonly config?: CollectorsConfig;
  readonly theme?: string;
  /** Where `S` saves and `R` records; the working directory by default. */
  readonly outputDir?: string;
}

/**
 * The sections the TUI refreshes every interval. Sensors and per-process network are left out: no tab
 * reads them, and the latter runs `ss` on every sample.
 */
export const FAST_SECTIONS: readonly SectionName[] = [
  'cpu',
  'memory',
  'disks',
  'network',
  'processes',
  'cgroups',
  'pressure',
];

/** Sections that change slowly (host identity, filesystem use): refreshed every {@link SLOW_REFRESH_MS}. */
export const SLOW_SECTIONS: readonly SectionName[] = ['system', 'filesystems'];

export const SLOW_REFRESH_MS = 5000;

/** Delay before the second sample, so rates show after a moment instead of one whole interval. */
const FIRST_RATE_WINDOW_MS = 300;

/**
 * Collects the TUI's Snapshots: the fast sections on every call; the slow ones when they are
 * {@link SLOW_REFRESH_MS} old (statfs of every mount and the host inventory once a second cost more than
 * they show); the GPU on every call while there is one, else as a slow section (on a host without a GPU
 * looking for nvidia-smi each second is pure cost).
 */
export function tuiCollection(
  roots: HostRoots,
  config: CollectorsConfig,
  now: () => number = Date.now,
): () => Promise<Snapshot> {
  const session = (sections: readonly SectionName[]): HostSession =>
    new HostSession({ roots, config, sections });
  const fast = session(FAST_SECTIONS);
  const slow = session(SLOW_SECTIONS);
  const gpu = session(['gpu']);
  let slowAt = Number.NEGATIVE_INFINITY;
  let gpuAt = Number.NEGATIVE_INFINITY;
  return async () => {
    await fast.scheduler.collectAll();
    const at = now();
    if (at - slowAt >= SLOW_REFRESH_MS) {
      slowAt = at;
      await slow.scheduler.collectAll();
    }
    if (gpu.scheduler.sections().gpu.status === 'ok' || at - gpuAt >= SLOW_REFRESH_MS) {
      gpuAt = at;
      await gpu.scheduler.collectAll();
    }
    const sections: Record<string, Section<unknown>> = { ...fast.scheduler.sections() };
    for (const [group, names] of [
      [slow, SLOW_SECTIONS],
      [gpu, ['gpu']],
    ] as const) {
      const latest = group.scheduler.sections();
      for (const name of names) sections[name] = latest[name];
    }
    return buildSnapshot(sections as unknown as Sections, now());
  };
}

/**
 * A live source: collects every `intervalMs` on a timer that does not drift (each wait is measured from
 * the previous collection's start) and never overlaps itself.
 */
export class LiveSampler {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly collect: () => Promise<Snapshot>,
    private readonly intervalMs: number,
    private readonly onSample: (snapshot: Snapshot) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    void this.tick(true);
  }

  private async tick(first: boolean): Promise<void> {
    if (this.stopped) return;
    const started = Date.now();
    try {
      const snapshot = await this.collect();
      if (!this.stopped) this.onSample(snapshot);
    } catch (error) {
      this.onError(error);
    }
    if (this.stopped) return;
    const wait = first ? FIRST_RATE_WINDOW_MS : Math.max(0, this.intervalMs - (Date.now() - started));
    this.timer = setTimeout(() => void this.tick(false), wait);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}

/** `sysray` with no command: the live TUI on this host (or the host under --rootfs/--proc-root/--sys-root). */
export async function runTui(options: RunTuiOptions): Promise<void> {
  // Before anything is collected or loaded: without a terminal there is nothing to draw on.
  assertTerminal(options.stdin ?? process.stdin, options.stdout ?? process.stdout);
  const themeNumber = options.theme === undefined ? 0 : themeIndex(options.theme);
  const base = options.config ?? DEFAULT_COLLECTORS_CONFIG;
  const collect = tuiCollection(options.roots, {
    ...base,
    processes: { ...base.processes, limit: options.processLimit ?? 50 },
  });
  const redactor = createRedactor();
  const [insights, explain] = await Promise.all([loadInsights(), loadExplain()]);
  const model = new TuiModel({
    insights,
    // A process that left the top list may still run; /proc/<pid> tells an exit from a drop in rank.
    timeline: { isAlive: (pid) => existsSync(procPath(options.roots, pid)) },
  });
  const outputDir = options.outputDir ?? process.cwd();
  const recording = new RecordingControl(path.join(outputDir, RECORDING_DIR));
  const sampler = new LiveSampler(
    collect,
    options.intervalMs,
    (raw) => {
      recording.write(raw);
      model.ingest(prepareSnapshot(raw, redactor));
      const failure = recording.takeFailure();
      if (failure) model.notify(`recording: ${failure}`, 'error');
    },
    (error) => model.notify(`collection failed: ${(error as Error).message}`, 'error'),
  );
  sampler.start();
  try {
    await mountTui(
      {
        model,
        mode: 'live',
        intervalMs: options.intervalMs,
        explain,
        initialState: { theme: themeNumber },
        actions: {
          save: async (snapshot) => `saved ${await saveSnapshotFile(snapshot, outputDir)}`,
          toggleRecording: () => recording.toggle(),
        },
      },
      options,
    );
  } finally {
    sampler.stop();
    await recording.close();
  }
}
