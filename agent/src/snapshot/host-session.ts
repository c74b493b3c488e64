import type { SectionName, Snapshot } from '@sysray/proto';
import type { CollectorsConfig } from '../collectors/config.js';
import { DEFAULT_COLLECTORS_CONFIG } from '../collectors/config.js';
import { createPlatformCollectors } from '../platform/platform-collectors.js';
import type { Clock } from '../platform/clock.js';
import { systemClock } from '../platform/clock.js';
import type { HostRoots } from '../platform/host-roots.js';
import { CollectionScheduler } from './scheduler.js';

export interface HostSessionOptions {
  readonly roots: HostRoots;
  readonly config?: CollectorsConfig;
  readonly clock?: Clock;
  /** Default interval for periodic collection, milliseconds. */
  readonly intervalMs?: number;
  readonly intervalsMs?: Partial<Record<SectionName, number>>;
  /** Only these sections are collected (all when absent). */
  readonly sections?: readonly SectionName[];
  readonly platform?: NodeJS.Platform;
}

/** A scheduler over this host's collectors, with the sampling the one-shot commands need. */
export class HostSession {
  readonly scheduler: CollectionScheduler;

  constructor(options: HostSessionOptions) {
    const all = createPlatformCollectors(options.config ?? DEFAULT_COLLECTORS_CONFIG, options.platform);
    const wanted = options.sections ? new Set(options.sections) : undefined;
    this.scheduler = new CollectionScheduler({
      collectors: wanted ? all.filter((c) => wanted.has(c.section)) : all,
      roots: options.roots,
      clock: options.clock ?? systemClock,
      intervalMs: options.intervalMs ?? 5000,
      ...(options.intervalsMs ? { intervalsMs: options.intervalsMs } : {}),
    });
  }

  /**
   * Collects twice, `windowMs` apart, so rates and utilization are real in the result: a first sample
   * alone would print zeros where the truth is "not known yet".
   */
  async sample(windowMs: number): Promise<Snapshot> {
    await this.scheduler.collectAll();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    await this.scheduler.collectAll();
    return this.scheduler.snapshot();
  }

  /** Collects once more on top of earlier samples (for refreshing views). */
  async refresh(): Promise<Snapshot> {
    await this.scheduler.collectAll();
    return this.scheduler.snapshot();
  }
}
