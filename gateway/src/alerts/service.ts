import { readFileSync } from 'node:fs';
import {
  DEFAULT_PACK_YAML,
  RuleEngine,
  type AlertChange,
  type RuleError,
  type RuleSet,
  type Silence,
} from '@sysray/proto';
import type { GatewayAlertsConfig } from '../config.js';
import type { MetricStore } from '../store/types.js';
import { AlertHistory } from './history.js';
import { createDeliveryQueue, type DeliveryQueue } from './notifiers.js';
import { parseRuleYaml } from './rule-file.js';
import { StoreSeriesSource } from './store-source.js';

/**
 * The gateway's alerting: the rule engine over the store on a timer, history and silences in alerts.db,
 * a delivery queue per notifier, and a listener (the SSE hub) told of every state change.
 */

export interface AlertServiceOptions {
  readonly config: GatewayAlertsConfig;
  readonly store: MetricStore;
  readonly dataDir: string;
  readonly nowMs: () => number;
  readonly onChange?: (change: AlertChange) => void;
  readonly onError?: (message: string, error?: unknown) => void;
}

export interface ReloadResult {
  readonly ok: boolean;
  readonly rules: number;
  readonly errors: readonly RuleError[];
}

export class AlertService {
  readonly engine = new RuleEngine();
  readonly history: AlertHistory;
  readonly queues: readonly DeliveryQueue[];
  readonly source: StoreSeriesSource;
  private timer: NodeJS.Timeout | null = null;
  private evaluations = { ok: 0, failed: 0, lastDurationMs: 0 };
  private readonly onError: (message: string, error?: unknown) => void;

  constructor(private readonly options: AlertServiceOptions) {
    this.onError = options.onError ?? (() => undefined);
    this.history = new AlertHistory(options.dataDir, options.config.historyMaxRows);
    this.queues = options.config.notifiers.map((n) => createDeliveryQueue(n, (m) => this.onError(m)));
    this.source = new StoreSeriesSource(options.store);
    const loaded = this.reload();
    if (!loaded.ok) {
      this.history.close();
      throw new Error(
        `alert rules: ${loaded.errors.map((e) => `${e.rule ?? ''} line ${e.line ?? '?'}: ${e.path}: ${e.message}`).join('; ')}`,
      );
    }
    this.refreshSilences();
  }

  /** The rules in force: the default pack (if on) with the rule file's rules replacing same names. */
  reload(): ReloadResult {
    const { config } = this.options;
    const rules = new Map<string, RuleSet['rules'][number]>();
    const quietHours: RuleSet['quietHours'][number][] = [];
    const sources: string[] = [];
    if (config.defaultPack) sources.push(DEFAULT_PACK_YAML);
    if (config.rulesFile !== null) {
      try {
        sources.push(readFileSync(config.rulesFile, 'utf8'));
      } catch (error) {
        return {
          ok: false,
          rules: this.engine.rules.rules.length,
          errors: [{ rule: null, line: null, path: config.rulesFile, message: (error as Error).message }],
        };
      }
    }
    for (const text of sources) {
      const parsed = parseRuleYaml(text);
      // A bad file changes nothing: the previous rules stay in force.
      if (parsed.ruleSet === null)
        return { ok: false, rules: this.engine.rules.rules.length, errors: parsed.errors };
      for (const rule of parsed.ruleSet.rules) rules.set(rule.name, rule);
      quietHours.push(...parsed.ruleSet.quietHours);
    }
    this.engine.setRules({ rules: [...rules.values()], quietHours });
    return { ok: true, rules: rules.size, errors: [] };
  }

  refreshSilences(): void {
    this.engine.setSilences(this.history.silences());
  }

  addSilence(silence: Omit<Silence, 'id'>) {
    const stored = this.history.addSilence(silence, this.options.nowMs());
    this.refreshSilences();
    return stored;
  }

  expireSilence(id: string): boolean {
    const done = this.history.expireSilence(id, this.options.nowMs());
    this.refreshSilences();
    return done;
  }

  /** One evaluation: state changes recorded, notifications queued (never awaited), listeners told. */
  evaluate(): readonly AlertChange[] {
    const nowMs = this.options.nowMs();
    try {
      const result = this.engine.evaluate(this.source, nowMs);
      for (const error of result.errors) this.onError(`alert rule ${error.rule}: ${error.message}`);
      this.history.record(result.changes);
      for (const change of result.changes) {
        this.options.onChange?.(change);
        if (!change.notify) continue;
        const generatorUrl =
          this.options.config.externalUrl === null
            ? null
            : `${this.options.config.externalUrl.replace(/\/$/, '')}/hosts/${encodeURIComponent(change.alert.hostId)}`;
        for (const queue of this.queues) if (queue.wants(change)) queue.enqueue({ change, generatorUrl });
      }
      this.evaluations.ok += 1;
      this.evaluations.lastDurationMs = result.durationMs;
      return result.changes;
    } catch (error) {
      this.evaluations.failed += 1;
      this.onError(`alert evaluation failed: ${(error as Error).message}`, error);
      return [];
    }
  }

  start(): void {
    if (this.timer !== null || !this.options.config.enabled) return;
    this.timer = setInterval(() => this.evaluate(), this.options.config.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Prometheus text of the alerting self-metrics (appended to GET /metrics). */
  metricsText(): string {
    const lines = [
      '# HELP sysray_gateway_alert_deliveries_total Alert notifications by notifier and outcome.',
      '# TYPE sysray_gateway_alert_deliveries_total counter',
    ];
    for (const queue of this.queues) {
      for (const [outcome, count] of Object.entries(queue.counts)) {
        lines.push(
          `sysray_gateway_alert_deliveries_total{notifier="${queue.config.name}",outcome="${outcome}"} ${count}`,
        );
      }
    }
    lines.push(
      '# HELP sysray_gateway_alert_queue_size Notifications waiting per notifier.',
      '# TYPE sysray_gateway_alert_queue_size gauge',
      ...this.queues.map((q) => `sysray_gateway_alert_queue_size{notifier="${q.config.name}"} ${q.size}`),
      '# HELP sysray_gateway_alert_evaluations_total Rule evaluation cycles by outcome.',
      '# TYPE sysray_gateway_alert_evaluations_total counter',
      `sysray_gateway_alert_evaluations_total{outcome="ok"} ${this.evaluations.ok}`,
      `sysray_gateway_alert_evaluations_total{outcome="failed"} ${this.evaluations.failed}`,
      '# HELP sysray_gateway_alert_evaluation_duration_seconds Duration of the last evaluation cycle.',
      '# TYPE sysray_gateway_alert_evaluation_duration_seconds gauge',
      `sysray_gateway_alert_evaluation_duration_seconds ${this.evaluations.lastDurationMs / 1000}`,
      '# HELP sysray_gateway_alerts_active Alerts pending or firing.',
      '# TYPE sysray_gateway_alerts_active gauge',
      `sysray_gateway_alerts_active ${this.engine.active(this.options.nowMs()).length}`,
    );
    return `${lines.join('\n')}\n`;
  }

  async close(): Promise<void> {
    this.stop();
    await Promise.all(this.queues.map((q) => q.close()));
    this.history.close();
  }
}
