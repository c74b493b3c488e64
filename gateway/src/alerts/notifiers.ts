import { createHmac } from 'node:crypto';
import type { Alert, AlertChange, Severity } from '@sysray/proto';
import type { NatsConnection } from '@nats-io/transport-node';
import type { AlertNotifierConfig } from '../config.js';

/**
 * Notifiers: each has its own delivery queue, drained in the background with retries and exponential
 * backoff, so a slow or dead receiver never blocks evaluation. Outcomes are counted per notifier.
 */

export type DeliveryOutcome = 'delivered' | 'failed' | 'retried' | 'dropped';

export interface Notification {
  readonly change: AlertChange;
  /** Dashboard link (Alertmanager generatorURL), or null. */
  readonly generatorUrl: string | null;
}

/** Sends one notification; throws to ask for a retry. */
export type Sender = (notification: Notification, signal: AbortSignal) => Promise<void>;

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    signal,
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
}

/** The webhook body: the change and the alert as the API shows them. */
export function webhookBody(notification: Notification): string {
  const { change } = notification;
  return JSON.stringify({
    version: 1,
    status: change.current === 'resolved' ? 'resolved' : 'firing',
    atMs: change.atMs,
    alert: change.alert,
    generatorURL: notification.generatorUrl,
  });
}

/** Alertmanager v2 (POST /api/v2/alerts): endsAt set on resolution closes the alert there. */
export function alertmanagerBody(notification: Notification): string {
  const { alert } = notification.change;
  const resolved = notification.change.current === 'resolved';
  return JSON.stringify([
    {
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: new Date(alert.firedAtMs ?? alert.activeSinceMs).toISOString(),
      ...(resolved ? { endsAt: new Date(alert.resolvedAtMs ?? notification.change.atMs).toISOString() } : {}),
      ...(notification.generatorUrl !== null ? { generatorURL: notification.generatorUrl } : {}),
    },
  ]);
}

function summary(alert: Alert): string {
  return alert.annotations.summary ?? `${alert.rule} on ${alert.labels.hostname ?? alert.hostId}`;
}

/** Slack-compatible incoming webhook: `text` as the fallback, `blocks` for the layout. */
export function slackBody(notification: Notification): string {
  const { alert, current } = notification.change;
  const icon =
    current === 'resolved'
      ? ':white_check_mark:'
      : alert.severity === 'critical'
        ? ':red_circle:'
        : ':warning:';
  const text = `${icon} [${current === 'resolved' ? 'RESOLVED' : alert.severity.toUpperCase()}] ${alert.rule}: ${summary(alert)}`;
  return JSON.stringify({
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `host ${alert.hostId} · ${new Date(notification.change.atMs).toISOString()}`,
          },
        ],
      },
    ],
  });
}

/** NATS subject token: `.`, `*`, `>` and whitespace would split or wildcard the subject. */
export function alertSubject(hostId: string): string {
  return `sysray.v1.alerts.${hostId.replace(/[.*>\s]/g, '_') || '_'}`;
}

export function httpSender(config: AlertNotifierConfig): Sender {
  const url = config.url!;
  switch (config.type) {
    case 'alertmanager':
      return (n, signal) =>
        post(`${url.replace(/\/$/, '')}/api/v2/alerts`, alertmanagerBody(n), { ...config.headers }, signal);
    case 'slack':
      return (n, signal) => post(url, slackBody(n), { ...config.headers }, signal);
    default:
      return (n, signal) => {
        const body = webhookBody(n);
        const headers: Record<string, string> = { ...config.headers };
        if (config.secret !== null) headers['x-sysray-signature'] = signBody(config.secret, body);
        return post(url, body, headers, signal);
      };
  }
}

/** NATS publisher: connects lazily on first send, core publish + flush (the flush is the ack). */
export function natsSender(config: AlertNotifierConfig): { send: Sender; close: () => Promise<void> } {
  let connection: Promise<NatsConnection> | null = null;
  return {
    async send(notification) {
      connection ??= import('@nats-io/transport-node').then(({ connect }) =>
        connect({ servers: [...config.servers], timeout: config.timeoutMs }),
      );
      let nc;
      try {
        nc = await connection;
      } catch (error) {
        connection = null;
        throw error;
      }
      nc.publish(alertSubject(notification.change.alert.hostId), webhookBody(notification));
      await nc.flush();
    },
    async close() {
      const pending = connection;
      connection = null;
      if (pending !== null) await (await pending.catch(() => null))?.close();
    },
  };
}

interface Job {
  readonly notification: Notification;
  attempts: number;
}

export class DeliveryQueue {
  readonly counts: Record<DeliveryOutcome, number> = { delivered: 0, failed: 0, retried: 0, dropped: 0 };
  private readonly queue: Job[] = [];
  private running = false;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly abort = new AbortController();

  constructor(
    readonly config: AlertNotifierConfig,
    private readonly send: Sender,
    private readonly onClose: () => Promise<void> = async () => undefined,
    private readonly onError: (message: string) => void = () => undefined,
  ) {}

  get size(): number {
    return this.queue.length;
  }

  /** Whether this notifier takes the change (severity, resolutions). */
  wants(change: AlertChange): boolean {
    if (change.current === 'resolved' && !this.config.sendResolved) return false;
    return SEVERITY_RANK[change.alert.severity] >= SEVERITY_RANK[this.config.minSeverity];
  }

  enqueue(notification: Notification): void {
    if (this.closed) return;
    if (this.queue.length >= this.config.queueSize) {
      this.counts.dropped += 1;
      return;
    }
    this.queue.push({ notification, attempts: 0 });
    this.kick(0);
  }

  /** Resolves when the queue is empty (tests). */
  async drain(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while ((this.queue.length > 0 || this.running) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 10));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.abort.abort();
    this.queue.length = 0;
    await this.onClose();
  }

  private kick(delayMs: number): void {
    if (this.running || this.timer !== null || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, delayMs);
    this.timer.unref();
  }

  /** In order, one at a time: a resolution never overtakes its firing notification. */
  private async run(): Promise<void> {
    this.running = true;
    let retryIn = 0;
    while (this.queue.length > 0 && !this.closed) {
      const job = this.queue[0]!;
      job.attempts += 1;
      const timeout = AbortSignal.timeout(this.config.timeoutMs);
      try {
        await this.send(job.notification, AbortSignal.any([timeout, this.abort.signal]));
        this.queue.shift();
        this.counts.delivered += 1;
      } catch (error) {
        if (this.closed) break;
        if (job.attempts >= this.config.maxAttempts) {
          this.queue.shift();
          this.counts.failed += 1;
          this.onError(
            `notifier ${this.config.name}: giving up after ${job.attempts} attempts: ${(error as Error).message}`,
          );
          continue;
        }
        this.counts.retried += 1;
        retryIn = Math.min(this.config.maxBackoffMs, this.config.initialBackoffMs * 2 ** (job.attempts - 1));
        break;
      }
    }
    this.running = false;
    if (this.queue.length > 0) this.kick(retryIn);
  }
}

export function createDeliveryQueue(
  config: AlertNotifierConfig,
  onError?: (message: string) => void,
): DeliveryQueue {
  if (config.type === 'nats') {
    const nats = natsSender(config);
    return new DeliveryQueue(config, nats.send, nats.close, onError);
  }
  return new DeliveryQueue(config, httpSender(config), undefined, onError);
}
