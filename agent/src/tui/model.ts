import type { Snapshot } from '@sysray/proto';
import { DEFAULT_SERIES_CAPACITY, MetricHistory, RingBuffer } from './history.js';
import type { Finding, InsightsProvider } from './insights.js';
import { hostMetrics, processMetrics } from './metrics.js';
import { deriveEvents, type TimelineEvent, type TimelineOptions } from './timeline.js';

interface StoredFrame {
  readonly seq: number;
  readonly json: string;
  readonly findings: readonly Finding[] | null;
  readonly insightsAt: number | null;
  readonly insightsError: string | null;
}

interface Evaluation {
  readonly findings: readonly Finding[];
  readonly at: number;
  readonly error: string | null;
}

/** A line for the status bar from outside the view (a failed recording write, the end of a replay). */
export interface Notice {
  /** Increases with each notice, so the view shows each once. */
  readonly id: number;
  readonly text: string;
  readonly kind: 'info' | 'error';
}

/** One sample of the session: the Snapshot as rendered (redacted, scrubbed) and what was derived from it. */
export interface Frame {
  /** Position in the session, 0 for the first sample. */
  readonly seq: number;
  readonly snapshot: Snapshot;
  /** Local findings as of this sample (the last evaluation); null when no rules are loaded or none ran yet. */
  readonly findings: readonly Finding[] | null;
  /** When the findings were evaluated, Unix epoch milliseconds (the newest Snapshot they saw). */
  readonly insightsAt: number | null;
  /** Set when evaluating the rules failed. */
  readonly insightsError: string | null;
}

export interface TuiModelOptions {
  /** Samples kept whole for scrubbing back (each holds a Snapshot): 5 minutes at 1 s by default. */
  readonly scrubDepth?: number;
  /** Samples kept per graphed metric. */
  readonly seriesCapacity?: number;
  /** Processes with their own history (cpu, rss, io); the least recently seen are dropped. */
  readonly processHistoryLimit?: number;
  /** Timeline events kept. */
  readonly eventCapacity?: number;
  readonly timeline?: TimelineOptions;
  readonly insights?: InsightsProvider | null;
  /**
   * Least time between two evaluations of the local rules, milliseconds. Rules run only while the
   * Insights tab is open ({@link TuiModel.setInsightsActive}): an evaluation maps a few Snapshots to
   * metric series and is far costlier than a sample.
   */
  readonly insightsEveryMs?: number;
}

/**
 * Everything the TUI has seen this session, bounded: recent Snapshots for scrubbing, a ring per metric
 * for graphs, per-process histories, and the timeline. Views subscribe and re-render once per sample.
 */
export class TuiModel {
  readonly metrics: MetricHistory;
  readonly processes: MetricHistory;
  readonly events: RingBuffer<TimelineEvent>;
  readonly insights: InsightsProvider | null;
  /**
   * Earlier samples for scrubbing, each as its JSON text: about a third of the memory of the live object
   * (40 KiB against 130 KiB for a busy host), parsed again only when the user scrubs to it.
   */
  private readonly frames: RingBuffer<StoredFrame>;
  private newest: Frame | undefined;
  private parsed: Frame | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly timeline: TimelineOptions;
  private readonly insightsEveryMs: number;
  /** The last Snapshots, oldest first, for the rules. */
  private recent: Snapshot[] = [];
  private insightsActive = false;
  private evaluation: Evaluation | null = null;
  private seq = -1;
  private versionNumber = 0;
  private noticeValue: Notice | null = null;

  constructor(options: TuiModelOptions = {}) {
    const capacity = options.seriesCapacity ?? DEFAULT_SERIES_CAPACITY;
    this.frames = new RingBuffer<StoredFrame>(options.scrubDepth ?? 300);
    this.metrics = new MetricHistory(capacity, 4000);
    this.processes = new MetricHistory(capacity, 3 * (options.processHistoryLimit ?? 512));
    this.events = new RingBuffer<TimelineEvent>(options.eventCapacity ?? 1000);
    this.timeline = options.timeline ?? {};
    this.insights = options.insights ?? null;
    this.insightsEveryMs = options.insightsEveryMs ?? 5000;
  }

  /** Changes on every sample; for `useSyncExternalStore`. */
  get version(): number {
    return this.versionNumber;
  }

  get latestSeq(): number {
    return this.seq;
  }

  get oldestSeq(): number {
    return this.frames.at(0)?.seq ?? -1;
  }

  latest(): Frame | undefined {
    return this.newest;
  }

  /** The frame of sample `seq`, clamped to what is still held; undefined before the first sample. */
  frameAt(seq: number | null): Frame | undefined {
    const last = this.newest;
    if (!last || seq === null || seq >= last.seq) return last;
    const oldest = this.frames.at(0);
    if (!oldest) return last;
    const stored = seq <= oldest.seq ? oldest : this.frames.at(seq - oldest.seq);
    if (!stored) return last;
    if (this.parsed?.seq !== stored.seq) {
      this.parsed = {
        seq: stored.seq,
        snapshot: JSON.parse(stored.json) as Snapshot,
        findings: stored.findings,
        insightsAt: stored.insightsAt,
        insightsError: stored.insightsError,
      };
    }
    return this.parsed;
  }

  /** Adds one sample (already redacted and scrubbed): histories, timeline, findings; then notifies. */
  ingest(snapshot: Snapshot): Frame {
    const previous = this.newest?.snapshot ?? null;
    this.seq += 1;
    const seq = this.seq;
    for (const [key, value] of hostMetrics(snapshot)) this.metrics.record(seq, key, value);
    const processes = snapshot.sections.processes;
    if (processes.status === 'ok') {
      for (const p of processes.data.top) {
        for (const [key, value] of processMetrics(p)) this.processes.record(seq, key, value);
      }
    }
    // Pruning sorts the series; once every 60 samples keeps it off the per-sample path.
    if (seq % 60 === 0) {
      this.metrics.prune();
      this.processes.prune();
    }
    const events = deriveEvents(previous, snapshot, this.timeline);
    for (const event of events) this.events.push(event);
    this.metrics.record(seq, 'timeline.events', events.length);
    if (this.insights) {
      this.recent = [...this.recent, snapshot].slice(-this.insights.window);
      if (
        this.insightsActive &&
        snapshot.timestamp - (this.evaluation?.at ?? -Infinity) >= this.insightsEveryMs
      ) {
        this.evaluate();
      }
    }
    const evaluation = this.evaluation;
    if (evaluation?.at === snapshot.timestamp) {
      this.metrics.record(seq, 'insights.findings', evaluation.findings.length);
    }
    const frame: Frame = {
      seq,
      snapshot,
      findings: evaluation?.findings ?? null,
      insightsAt: evaluation?.at ?? null,
      insightsError: evaluation?.error ?? null,
    };
    this.frames.push({
      seq,
      json: JSON.stringify(snapshot),
      findings: frame.findings,
      insightsAt: frame.insightsAt,
      insightsError: frame.insightsError,
    });
    this.newest = frame;
    this.versionNumber += 1;
    for (const listener of this.listeners) listener();
    return frame;
  }

  /** Runs the rules over the recent Snapshots now; a failing rule set is kept visible, not thrown. */
  private evaluate(): void {
    const provider = this.insights;
    const last = this.recent.at(-1);
    if (!provider || !last) return;
    try {
      this.evaluation = { findings: provider.evaluate(this.recent), at: last.timestamp, error: null };
    } catch (error) {
      this.evaluation = {
        findings: [],
        at: last.timestamp,
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }

  /**
   * The Insights tab opened (true) or closed. Opening evaluates at once when the findings are stale,
   * updating the newest frame; while open, each sample re-evaluates every `insightsEveryMs`.
   */
  setInsightsActive(active: boolean): void {
    this.insightsActive = active;
    const newest = this.newest;
    if (!active || !this.insights || !newest) return;
    if (newest.snapshot.timestamp - (this.evaluation?.at ?? -Infinity) < this.insightsEveryMs) return;
    this.evaluate();
    const evaluation = this.evaluation;
    if (!evaluation) return;
    this.metrics.record(newest.seq, 'insights.findings', evaluation.findings.length);
    this.newest = {
      ...newest,
      findings: evaluation.findings,
      insightsAt: evaluation.at,
      insightsError: evaluation.error,
    };
    this.versionNumber += 1;
    for (const listener of this.listeners) listener();
  }

  /** Events seen up to and including the sample at `at` (epoch ms), newest first. */
  eventsUntil(at: number): TimelineEvent[] {
    return this.events
      .toArray()
      .filter((e) => e.at <= at)
      .reverse();
  }

  get notice(): Notice | null {
    return this.noticeValue;
  }

  /** Shows `text` in the status bar. */
  notify(text: string, kind: 'info' | 'error' = 'info'): void {
    this.noticeValue = { id: (this.noticeValue?.id ?? 0) + 1, text, kind };
    this.versionNumber += 1;
    for (const listener of this.listeners) listener();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.versionNumber;
}
