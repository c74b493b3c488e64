import type { Resource } from '@opentelemetry/resources';
import type { Section, SectionName, Snapshot } from '@sysray/proto';
import type { CollectorsConfig } from '../collectors/config.js';
import type { AnyCollector } from '../collectors/types.js';
import { collectorsConfigFrom, hostRootsFromConfig } from '../config/derive.js';
import type { LoadedConfig } from '../config/load.js';
import { ConfigError, formatIssue, otlpOptionsFrom } from '../config/load.js';
import type { AgentConfig } from '../config/schema.js';
import { PrometheusExposition } from '../export/prometheus.js';
import {
  summarizeHealth,
  summarizeReadiness,
  type HealthReport,
  type ReadinessReport,
} from '../http/health.js';
import { createRequestHandler, startHttpServer, type RunningHttpServer } from '../http/server.js';
import { buildResource } from '../otel/resource.js';
import type { Clock } from '../platform/clock.js';
import { systemClock } from '../platform/clock.js';
import { createPlatformCollectors } from '../platform/platform-collectors.js';
import { createRedactor, noRedaction, redactSnapshot, type Redactor } from '../redact.js';
import { CollectionScheduler } from '../snapshot/scheduler.js';
import { describeError } from '../snapshot/run-collector.js';
import { AGENT_VERSION } from '../version.js';
import { ExportMetricsExposition, ExportStatsBook } from './export-stats.js';
import { ErrorLogLimiter } from './log-limiter.js';
import type { Logger } from './logger.js';
import { OtlpPipeline } from './otlp-pipeline.js';

export interface AgentRuntimeOptions {
  readonly loaded: LoadedConfig;
  /** Reads the configuration again for a reload (SIGHUP); throws ConfigError when it is invalid. */
  readonly reloadConfig: () => LoadedConfig;
  readonly logger: Logger;
  /** Environment for OTEL_* and Kubernetes resource variables; `process.env` by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
  /** Builds the collectors (tests inject failing ones); the platform's collectors by default. */
  readonly createCollectors?: (config: CollectorsConfig) => AnyCollector[];
  /** `sysray server` runs without OTLP whatever the configuration says. */
  readonly otlpAllowed?: boolean;
  /** Longest the exporters' final flush may take at shutdown, milliseconds. */
  readonly shutdownTimeoutMs?: number;
  /** How often a repeating collector or exporter error is logged again, milliseconds. */
  readonly errorLogIntervalMs?: number;
}

/** What a running collection is: the scheduler and the collectors it runs. */
interface Collection {
  readonly scheduler: CollectionScheduler;
  readonly sections: readonly SectionName[];
  /** Resolves when every collector has completed a run. */
  readonly ready: Promise<void>;
}

interface Exporters {
  readonly resource: Resource;
  readonly prometheus: PrometheusExposition | null;
  readonly selfMetrics: ExportMetricsExposition | null;
  readonly otlp: OtlpPipeline | null;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The long-running agent: collection on a schedule, the OpenTelemetry mapping exported through
 * Prometheus (pull, on `/metrics`) and OTLP (push), the HTTP endpoint, configuration reload and an
 * orderly shutdown. Built from a loaded configuration; `start()` returns once every collector has run
 * once and the exporters are up.
 */
export class AgentRuntime {
  private loaded: LoadedConfig;
  private redactor: Redactor;
  private collection: Collection | undefined;
  private exporters: Exporters | undefined;
  private server: RunningHttpServer | null = null;
  private readonly book: ExportStatsBook;
  private readonly limiter: ErrorLogLimiter;
  private readonly clock: Clock;
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly logger: Logger;
  private state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';
  private reloading: Promise<boolean> = Promise.resolve(true);

  constructor(private readonly options: AgentRuntimeOptions) {
    this.loaded = options.loaded;
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.env = options.env ?? process.env;
    this.book = new ExportStatsBook(() => this.clock.wallMs());
    this.limiter = new ErrorLogLimiter(options.errorLogIntervalMs ?? 60_000, () => this.clock.monotonicMs());
    this.redactor = redactorFor(this.loaded.config);
  }

  get config(): AgentConfig {
    return this.loaded.config;
  }

  /** `http://host:port` of the endpoint, or null when it is disabled. */
  get url(): string | null {
    return this.server?.url ?? null;
  }

  /** The latest Snapshot, redacted: what leaves the agent. */
  snapshot(): Snapshot | undefined {
    if (this.collection === undefined) return undefined;
    return redactSnapshot(this.collection.scheduler.snapshot(), this.redactor);
  }

  health(): HealthReport {
    const collection = this.collection;
    const collectors =
      collection === undefined ? [] : collection.sections.map((s) => collection.scheduler.health.get(s));
    return summarizeHealth(collectors, this.book.all());
  }

  readiness(): ReadinessReport {
    const collection = this.collection;
    if (collection === undefined || this.exporters === undefined) {
      return { ready: false, pending: collection?.sections ?? this.config.agent.collectors };
    }
    return summarizeReadiness(collection.sections.map((s) => collection.scheduler.health.get(s)));
  }

  /** The Prometheus text of `/metrics`: the Snapshot mapping, then the export self-metrics. */
  async metricsText(): Promise<string | undefined> {
    const exporters = this.exporters;
    if (exporters?.prometheus == null) return undefined;
    const main = await exporters.prometheus.text();
    const self = exporters.selfMetrics === null ? '' : await exporters.selfMetrics.text();
    return self === '' ? main : `${main.endsWith('\n') ? main : `${main}\n`}${self}`;
  }

  /**
   * Starts collection and the HTTP endpoint, waits until every collector has run once, then starts the
   * exporters (their Resource needs the host identity from the first Snapshot). Rejects when the
   * endpoint cannot listen or the OTLP exporter cannot be built; nothing is left running then.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`the agent runtime cannot start twice (it is ${this.state})`);
    this.state = 'starting';
    const { config, file } = this.loaded;
    this.logger.info(
      { event: 'config', file, sources: originSummary(this.loaded) },
      file === null ? 'no configuration file; using defaults' : `configuration loaded from ${file}`,
    );
    try {
      this.collection = this.startCollection(config);
      if (config.http.enabled) this.server = await this.listen(config);
      await this.collection.ready;
      this.exporters = this.buildExporters(config, this.loaded);
    } catch (error) {
      await this.teardown();
      this.state = 'stopped';
      throw error;
    }
    this.state = 'running';
    this.logger.info(
      {
        event: 'start',
        version: AGENT_VERSION,
        url: this.url,
        collectors: this.collection.sections,
        intervalMs: config.agent.intervalMs,
        prometheus: this.exporters.prometheus !== null,
        otlp: this.exporters.otlp?.endpoint ?? null,
      },
      `sysray agent ${AGENT_VERSION} started${this.url === null ? '' : ` on ${this.url}`}`,
    );
  }

  /**
   * Re-reads the configuration and applies it. A configuration that does not load, or whose new parts
   * fail to start (the new listen address is taken, an OTLP certificate is unreadable), is logged and
   * the previous one stays in force. Resolves true when the new configuration is applied.
   */
  reload(): Promise<boolean> {
    this.reloading = this.reloading.then(() => this.applyReload());
    return this.reloading;
  }

  /**
   * Stops collecting, flushes and shuts the exporters down (bounded by `shutdownTimeoutMs`), closes the
   * endpoint. Idempotent.
   */
  async stop(reason = 'requested'): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    this.state = 'stopping';
    await this.reloading.catch(() => undefined);
    this.logger.info({ event: 'stopping', reason }, 'sysray agent stopping');
    const flushed = await this.teardown();
    this.state = 'stopped';
    this.logger.info({ event: 'shutdown', reason, flushed }, 'sysray agent stopped');
  }

  // ------------------------------------------------------------------ internals

  private startCollection(config: AgentConfig): Collection {
    const create = this.options.createCollectors ?? ((c: CollectorsConfig) => createPlatformCollectors(c));
    const wanted = new Set(config.agent.collectors);
    const collectors = create(collectorsConfigFrom(config)).filter((c) => wanted.has(c.section));
    const scheduler = new CollectionScheduler({
      collectors,
      roots: hostRootsFromConfig(config),
      clock: this.clock,
      intervalMs: config.agent.intervalMs,
      intervalsMs: config.agent.intervalsMs,
      timeoutMs: config.agent.collectorTimeoutMs,
    });
    const sections = collectors.map((c) => c.section);
    const pending = new Set(sections);
    let resolveReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      resolveReady = resolve;
    });
    if (pending.size === 0) resolveReady();
    scheduler.start((section, result) => {
      if (pending.delete(section) && pending.size === 0) resolveReady();
      this.onCollected(scheduler, section, result);
    });
    return { scheduler, sections, ready };
  }

  private onCollected(scheduler: CollectionScheduler, section: SectionName, result: Section<unknown>): void {
    const key = `collector:${section}`;
    if (result.status === 'error') {
      if (this.limiter.shouldLog(key, result.message)) {
        const { errors, runs } = scheduler.health.get(section);
        this.logger.error(
          { event: 'collector_error', collector: section, error: result.message, errors, runs },
          `collector ${section} failed: ${result.message}`,
        );
      }
    } else if (this.limiter.recovered(key)) {
      this.logger.info(
        { event: 'collector_recovered', collector: section },
        `collector ${section} recovered`,
      );
    }
  }

  private handler(config: AgentConfig): ReturnType<typeof createRequestHandler> {
    return createRequestHandler(
      {
        metrics: config.exporters.prometheus.enabled ? () => this.metricsText() : null,
        snapshot: () => this.snapshot(),
        health: () => this.health(),
        readiness: () => this.readiness(),
      },
      {
        token: config.http.token,
        onMetricsResult: (error) => {
          if (error === null) {
            this.book.success('prometheus');
            return;
          }
          this.book.failure('prometheus', error);
          if (this.limiter.shouldLog('exporter:prometheus', error.message)) {
            this.logger.error(
              { event: 'exporter_error', exporter: 'prometheus', error: error.message },
              `rendering /metrics failed: ${error.message}`,
            );
          }
        },
      },
    );
  }

  private async listen(config: AgentConfig): Promise<RunningHttpServer> {
    try {
      return await startHttpServer(config.http.listen, this.handler(config));
    } catch (error) {
      throw new Error(`cannot listen on ${config.http.listen} (http.listen): ${describeError(error)}`, {
        cause: error,
      });
    }
  }

  private buildExporters(config: AgentConfig, loaded: LoadedConfig): Exporters {
    const resource = buildResource(this.snapshot(), { serviceVersion: AGENT_VERSION, env: this.env });
    const source = (): Snapshot | undefined => this.snapshot();
    const onMappingError = (error: Error): void => {
      if (this.limiter.shouldLog('mapping', error.message)) {
        this.logger.error({ event: 'mapping_error', error: error.message }, error.message);
      }
    };
    let otlp: OtlpPipeline | null = null;
    if (config.exporters.otlp.enabled && this.options.otlpAllowed !== false) {
      otlp = new OtlpPipeline({
        otlp: otlpOptionsFrom(config, loaded.origins),
        env: this.env,
        resource,
        source,
        book: this.book,
        onMappingError,
        onFailure: (message) => {
          if (this.limiter.shouldLog('exporter:otlp', message)) {
            const failures = this.book.get('otlp')?.failures ?? 0;
            this.logger.error(
              { event: 'exporter_error', exporter: 'otlp', error: message, failures },
              message,
            );
          }
        },
        onSuccess: () => {
          if (this.limiter.recovered('exporter:otlp')) {
            this.logger.info({ event: 'exporter_recovered', exporter: 'otlp' }, 'OTLP export recovered');
          }
        },
      });
    }
    const prometheusEnabled = config.exporters.prometheus.enabled;
    if (prometheusEnabled) this.book.enable('prometheus');
    return {
      resource,
      prometheus: prometheusEnabled
        ? new PrometheusExposition({ source, resource, onError: onMappingError })
        : null,
      selfMetrics: prometheusEnabled ? new ExportMetricsExposition(this.book, resource) : null,
      otlp,
    };
  }

  private async shutdownExporters(exporters: Exporters | undefined): Promise<boolean> {
    if (exporters === undefined) return true;
    const timeoutMs = this.options.shutdownTimeoutMs ?? 5000;
    const flushed = exporters.otlp === null ? true : await exporters.otlp.shutdown(timeoutMs);
    if (!flushed) {
      this.logger.warn(
        { event: 'exporter_error', exporter: 'otlp', timeoutMs },
        `the final OTLP flush did not finish within ${timeoutMs} ms; pending metrics are dropped`,
      );
    }
    await exporters.selfMetrics?.shutdown().catch(() => undefined);
    return flushed;
  }

  /** Stops everything that runs: scheduler first (no new data), then exporters (flush), then the endpoint. */
  private async teardown(): Promise<boolean> {
    await this.collection?.scheduler.stop();
    const flushed = await this.shutdownExporters(this.exporters);
    this.exporters = undefined;
    await this.server?.close().catch(() => undefined);
    this.server = null;
    return flushed;
  }

  private async applyReload(): Promise<boolean> {
    if (this.state !== 'running') return false;
    let next: LoadedConfig;
    try {
      next = this.options.reloadConfig();
    } catch (error) {
      const issues = error instanceof ConfigError ? error.issues.map(formatIssue) : [describeError(error)];
      this.logger.error(
        { event: 'reload_rejected', errors: issues },
        `configuration reload rejected, the previous configuration stays in force: ${issues.join('; ')}`,
      );
      return false;
    }
    const before = this.loaded.config;
    const after = next.config;
    const collectionChanged = !same(before.agent, after.agent) || !same(before.collectors, after.collectors);
    const exportersChanged =
      !same(before.exporters, after.exporters) ||
      !same(otlpOptionsFrom(before, this.loaded.origins), otlpOptionsFrom(after, next.origins));
    const rebind = before.http.enabled !== after.http.enabled || before.http.listen !== after.http.listen;

    // Prepare what can fail before touching what runs, so a failure leaves the old configuration whole.
    let newServer: RunningHttpServer | null = null;
    let newExporters: Exporters | undefined;
    try {
      if (rebind && after.http.enabled) newServer = await this.listen(after);
      if (exportersChanged) newExporters = this.buildExporters(after, next);
    } catch (error) {
      await newServer?.close().catch(() => undefined);
      const message = describeError(error);
      this.logger.error(
        { event: 'reload_rejected', errors: [message] },
        `configuration reload rejected, the previous configuration stays in force: ${message}`,
      );
      return false;
    }

    this.loaded = next;
    this.redactor = redactorFor(after);
    const changed: string[] = [];
    if (rebind) {
      const old = this.server;
      this.server = after.http.enabled ? newServer : null;
      await old?.close().catch(() => undefined);
      changed.push('http');
    } else if (
      !same(before.http, after.http) ||
      !same(before.exporters.prometheus, after.exporters.prometheus)
    ) {
      changed.push('http');
    }
    this.server?.setHandler(this.handler(after));
    if (collectionChanged) {
      const old = this.collection;
      await old?.scheduler.stop();
      this.collection = this.startCollection(after);
      changed.push('collection');
    }
    if (newExporters !== undefined) {
      const old = this.exporters;
      this.exporters = newExporters;
      await this.shutdownExporters(old);
      changed.push('exporters');
    }
    if (!same(before.redaction, after.redaction)) changed.push('redaction');
    if (before.logging.level !== after.logging.level) {
      this.logger.level = after.logging.level;
      changed.push('logging');
    }
    if (before.logging.format !== after.logging.format) {
      this.logger.warn(
        { event: 'reload_partial', key: 'logging.format' },
        'logging.format changes take effect at the next start',
      );
    }
    this.logger.info(
      { event: 'reload', file: next.file, changed, sources: originSummary(next) },
      changed.length === 0
        ? 'configuration reloaded, nothing changed'
        : `configuration reloaded: ${changed.join(', ')}`,
    );
    return true;
  }
}

function redactorFor(config: AgentConfig): Redactor {
  return config.redaction.enabled
    ? createRedactor(config.redaction.patterns, { valuePatterns: config.redaction.valuePatterns })
    : noRedaction;
}

/** Keys set by something other than the file, for the config log line: `{ "http.listen": "flag --listen" }`. */
function originSummary(loaded: LoadedConfig): Record<string, string> {
  const summary: Record<string, string> = {};
  for (const [key, origin] of loaded.origins) {
    if (origin.kind === 'env') summary[key] = `env ${origin.name}`;
    else if (origin.kind === 'flag') summary[key] = `flag ${origin.name}`;
  }
  return summary;
}
