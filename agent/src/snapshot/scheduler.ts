import type { Section, SectionName, Sections, Snapshot } from '@sysray/proto';
import { SECTION_NAMES, SNAPSHOT_SCHEMA_VERSION, sectionUnsupported } from '@sysray/proto';
import type { Clock } from '../platform/clock.js';
import type { HostRoots } from '../platform/host-roots.js';
import type { AnyCollector } from '../collectors/types.js';
import { AGENT_VERSION } from '../version.js';
import { CollectorHealthBook } from './collector-health.js';
import { runCollector } from './run-collector.js';

export interface SchedulerOptions {
  readonly collectors: readonly AnyCollector[];
  readonly roots: HostRoots;
  readonly clock: Clock;
  /** Default collection interval, milliseconds. */
  readonly intervalMs: number;
  /** Per-section intervals overriding the default (system facts change rarely; processes are costly). */
  readonly intervalsMs?: Partial<Record<SectionName, number>>;
  /** Per-collector timeout, milliseconds; defaults to the smaller of its interval and 10 s. */
  readonly timeoutMs?: number;
}

export type SectionListener = (section: SectionName, result: Section<unknown>) => void;

/**
 * Runs each collector on its own interval, isolated with a timeout, and keeps the latest result of each.
 * A run of one collector never overlaps its previous run: the next starts an interval after the last
 * started, or at once if the last overran.
 */
export class CollectionScheduler {
  readonly health = new CollectorHealthBook();
  private readonly latest = new Map<SectionName, Section<unknown>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private running = false;

  constructor(private readonly options: SchedulerOptions) {}

  intervalFor(section: SectionName): number {
    return this.options.intervalsMs?.[section] ?? this.options.intervalMs;
  }

  /**
   * Runs every collector once, now, one after the other. Collectors read kernel files synchronously, so
   * running them side by side would gain nothing and would blur each one's measured duration.
   */
  async collectAll(): Promise<void> {
    for (const collector of this.options.collectors) await this.runOne(collector);
  }

  /** Starts periodic collection. The first run of every collector happens at once. */
  start(listener?: SectionListener): void {
    if (this.running) return;
    this.running = true;
    for (const collector of this.options.collectors) this.loop(collector, listener);
  }

  /** Stops scheduling and waits for runs in flight, so a caller can flush exporters afterwards. */
  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  sections(): Sections {
    const enabled = new Set(this.options.collectors.map((c) => c.section));
    const result: Partial<Record<SectionName, Section<unknown>>> = {};
    for (const name of SECTION_NAMES) {
      result[name] =
        this.latest.get(name) ??
        sectionUnsupported(enabled.has(name) ? 'not collected yet' : 'collector disabled', {
          collectedAt: 0,
          durationMs: 0,
        });
    }
    return result as Sections;
  }

  snapshot(): Snapshot {
    return buildSnapshot(this.sections(), this.options.clock.wallMs());
  }

  private loop(collector: AnyCollector, listener: SectionListener | undefined): void {
    const interval = this.intervalFor(collector.section);
    const tick = async (): Promise<void> => {
      if (!this.running) return;
      const started = this.options.clock.monotonicMs();
      const result = await this.runOne(collector);
      listener?.(collector.section, result);
      if (!this.running) return;
      const elapsed = this.options.clock.monotonicMs() - started;
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          void tick();
        },
        Math.max(0, interval - elapsed),
      );
      this.timers.add(timer);
    };
    void tick();
  }

  private async runOne(collector: AnyCollector): Promise<Section<unknown>> {
    const interval = this.intervalFor(collector.section);
    const run = runCollector(collector as never, {
      roots: this.options.roots,
      clock: this.options.clock,
      timeoutMs: this.options.timeoutMs ?? Math.min(interval, 10_000),
    }) as Promise<Section<unknown>>;
    this.inFlight.add(run);
    try {
      const result = await run;
      this.latest.set(collector.section, result);
      this.health.record(collector.section, result);
      return result;
    } finally {
      this.inFlight.delete(run);
    }
  }
}

/** Assembles a Snapshot; the host identity is lifted from the system section when it is ok. */
export function buildSnapshot(sections: Sections, timestamp: number): Snapshot {
  const system = sections.system.status === 'ok' ? sections.system.data : undefined;
  return {
    schema: SNAPSHOT_SCHEMA_VERSION,
    timestamp,
    agent: { name: 'sysray', version: AGENT_VERSION },
    host: { name: system?.hostname ?? 'unknown', id: system?.hostId ?? null },
    sections,
  };
}
