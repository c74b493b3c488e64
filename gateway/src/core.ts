import { AlertService } from './alerts/service.js';
import { SseHub } from './api/stream.js';
import { apiTokenSet, ingestTokenSet, type TokenSet } from './auth.js';
import type { ApiRole, GatewayConfig } from './config.js';
import { FleetState, type StatusChange } from './fleet/fleet-state.js';
import { ForwardPool } from './forward/forwarder.js';
import { IngestPipeline } from './ingest/pipeline.js';
import { GatewayMetrics } from './metrics/self-metrics.js';
import type { MaintenanceReport, MetricStore } from './store/types.js';
import { GATEWAY_VERSION } from './version.js';

/**
 * Everything the gateway's listeners share: the store, the fleet state, the ingest pipeline, the event
 * hub, the forwarders, the counters, the timers. Built once per gateway; `close()` releases all of it
 * (the API app's onClose calls it).
 */

/** Maintenance slices run back to back at most per maintenance period. */
const MAX_MAINTENANCE_SLICES = 100;

export interface GatewayCoreOptions {
  readonly config: GatewayConfig;
  readonly store: MetricStore;
  /** Wall clock, Unix epoch milliseconds; Date.now by default (tests inject a manual one). */
  readonly nowMs?: () => number;
  /** Where unexpected errors (maintenance, forwarding) are reported. */
  readonly onError?: (message: string, error?: unknown) => void;
}

export class GatewayCore {
  readonly config: GatewayConfig;
  readonly store: MetricStore;
  readonly fleet: FleetState;
  readonly metrics: GatewayMetrics;
  readonly pipeline: IngestPipeline;
  readonly hub: SseHub;
  readonly forward: ForwardPool;
  readonly apiTokens: TokenSet<ApiRole>;
  readonly ingestTokens: TokenSet<'ingest'>;
  /** Alert rules, history, silences, notifiers; null when alerts.enabled is false. */
  readonly alerts: AlertService | null;
  readonly nowMs: () => number;
  /** Set by the server when it consumes NATS: the consumer's counters for GET /metrics. */
  natsStats:
    | (() => { readonly lag: number | null; readonly undecodable: number; readonly duplicates: number })
    | null = null;
  /** False until the app is ready, and again once it starts closing (GET /readyz). */
  ready = false;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  private readonly onError: (message: string, error?: unknown) => void;

  constructor(options: GatewayCoreOptions) {
    const { config, store } = options;
    this.config = config;
    this.store = store;
    this.nowMs = options.nowMs ?? Date.now;
    this.onError = options.onError ?? (() => undefined);
    this.fleet = new FleetState({
      staleAfterMs: config.status.staleAfterMs,
      downAfterMs: config.status.downAfterMs,
    });
    this.metrics = new GatewayMetrics(GATEWAY_VERSION, this.nowMs());
    this.apiTokens = apiTokenSet(config.auth.apiTokens);
    this.ingestTokens = ingestTokenSet(config.auth.ingestTokens);
    this.hub = new SseHub({
      heartbeatMs: config.stream.heartbeatMs,
      hostThrottleMs: config.stream.hostThrottleMs,
      maxClients: config.stream.maxClients,
      hostView: (hostId) => this.fleet.host(hostId, this.nowMs()),
    });
    this.forward = new ForwardPool(config.forward, { onError: (message) => this.onError(message) });
    this.pipeline = new IngestPipeline({
      store,
      fleet: this.fleet,
      metrics: this.metrics,
      listener: this.hub,
      forward: this.forward.size === 0 ? null : (bytes) => this.forward.enqueue(bytes),
      nowMs: this.nowMs,
      maxFutureMs: config.limits.maxFutureMs,
      maxDeltaSeries: config.limits.maxDeltaSeries,
    });
    // The fleet state is rebuilt from what the store kept: hosts, and the latest value of each series
    // (key metrics, and the metric names GET /api/v1/metrics lists).
    this.fleet.restore(store.hosts(), store.series({}), this.nowMs());
    this.alerts = config.alerts.enabled
      ? new AlertService({
          config: config.alerts,
          store,
          dataDir: config.dataDir,
          nowMs: this.nowMs,
          onChange: (change) => this.hub.alertChanged(change),
          onError: (message, error) => this.onError(message, error),
        })
      : null;
  }

  /** Re-evaluates host statuses now and sends a `status` event per change. */
  sweep(): StatusChange[] {
    const changes = this.fleet.sweep(this.nowMs());
    for (const change of changes) this.hub.statusChanged(change);
    return changes;
  }

  /** One store maintenance pass (pack, roll up, retention). */
  maintain(): MaintenanceReport | null {
    try {
      const report = this.store.maintain(this.nowMs());
      this.metrics.countMaintenance(true);
      return report;
    } catch (error) {
      this.metrics.countMaintenance(false);
      this.onError(`store maintenance failed: ${(error as Error).message}`, error);
      return null;
    }
  }

  /**
   * Maintenance in bounded slices: the store does a budgeted amount per call and says when work is left
   * (`moreWork`); the next slice then runs on the next turn of the event loop, so ingest and queries get
   * in between, up to MAX_SLICES per period.
   */
  private maintainSlices(slice = 0): void {
    if (this.closed) return;
    const report = this.maintain();
    if (report?.moreWork === true && slice + 1 < MAX_MAINTENANCE_SLICES) {
      setImmediate(() => this.maintainSlices(slice + 1));
    }
  }

  /** The Prometheus text of GET /metrics. */
  metricsText(): string {
    const alerts = this.alerts?.metricsText() ?? '';
    return (
      alerts +
      this.metrics.render(
        {
          storeStats: () => this.store.stats(),
          hostCounts: () => this.fleet.counts(this.nowMs()),
          sseClients: () => this.hub.size,
          forwardStats: () => this.forward.stats(),
          deltaSeries: () => ({ tracked: this.pipeline.deltas.size, evicted: this.pipeline.deltas.evicted }),
          natsStats: () => this.natsStats?.() ?? null,
        },
        this.nowMs(),
      )
    );
  }

  /** Starts the status sweep and maintenance timers (unref'd: they never keep the process alive). */
  startTimers(): void {
    if (this.closed || this.timers.length > 0) return;
    const sweep = setInterval(() => this.sweep(), this.config.status.sweepIntervalMs);
    sweep.unref();
    this.timers.push(sweep);
    if (this.config.store.maintenanceIntervalMs > 0) {
      const maintain = setInterval(() => this.maintainSlices(), this.config.store.maintenanceIntervalMs);
      maintain.unref();
      this.timers.push(maintain);
    }
    this.alerts?.start();
  }

  /** Ends SSE streams and stops timers; first step of closing, while the listeners drain. */
  beginClose(): void {
    this.ready = false;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.alerts?.stop();
    this.hub.close();
  }

  /** Releases everything: timers, SSE streams, forwarders (queued requests dropped), the store. */
  close(): void {
    if (this.closed) return;
    this.beginClose();
    this.closed = true;
    this.forward.close();
    void this.alerts?.close();
    this.store.close();
  }
}
