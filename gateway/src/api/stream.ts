import type { ServerResponse } from 'node:http';
import type { AlertChange } from '@sysray/proto';
import type { HostView, StatusChange } from '../fleet/fleet-state.js';

/**
 * Server-sent events for GET /api/v1/stream (WHATWG HTML, "Server-sent events"). Events:
 * - `host`: a host's view (HostView JSON) after it reported, at most one per host per `hostThrottleMs`
 *   (the latest state goes out when the window ends, so the last report is never lost);
 * - `status`: a host went up / stale / down (StatusChange JSON), sent at once.
 * A comment line (`: heartbeat`) goes to every client every `heartbeatMs` so proxies keep the connection
 * and clients notice a dead one. A client that stops reading (more than 1 MiB buffered) is cut off.
 */

export interface SseHubOptions {
  readonly heartbeatMs: number;
  readonly hostThrottleMs: number;
  readonly maxClients: number;
  /** The current view of a host, or undefined when it is unknown. */
  readonly hostView: (hostId: string) => HostView | undefined;
}

/** Bytes a client may have unread before it is dropped. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

interface Client {
  readonly response: ServerResponse;
}

interface Throttle {
  lastSentAt: number;
  timer: NodeJS.Timeout | null;
}

export class SseHub {
  private readonly clients = new Set<Client>();
  private readonly throttles = new Map<string, Throttle>();
  private heartbeat: NodeJS.Timeout | null = null;
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: SseHubOptions) {}

  get size(): number {
    return this.clients.size;
  }

  /** Room for one more client? */
  get full(): boolean {
    return this.closed || this.clients.size >= this.options.maxClients;
  }

  /**
   * Takes over a response whose headers are not sent yet: writes the SSE headers and a first comment,
   * then events until the client goes away or the hub closes.
   */
  attach(response: ServerResponse): void {
    const client: Client = { response };
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx buffers proxied responses unless told not to.
      'x-accel-buffering': 'no',
    });
    // `retry`: how long a browser EventSource waits before reconnecting, milliseconds.
    response.write(`retry: 5000\n: connected\n\n`);
    this.clients.add(client);
    const drop = (): void => {
      this.clients.delete(client);
      if (this.clients.size === 0) this.stopHeartbeat();
    };
    response.on('close', drop);
    response.on('error', drop);
    this.startHeartbeat();
  }

  /** A host reported; send its view now or when its throttle window ends. */
  hostUpdated(hostId: string): void {
    if (this.closed || this.clients.size === 0) return;
    const now = performance.now();
    const throttle = this.throttles.get(hostId);
    if (throttle === undefined || now - throttle.lastSentAt >= this.options.hostThrottleMs) {
      if (throttle?.timer != null) clearTimeout(throttle.timer);
      this.throttles.set(hostId, { lastSentAt: now, timer: null });
      this.sendHost(hostId);
      return;
    }
    if (throttle.timer !== null) return;
    throttle.timer = setTimeout(
      () => {
        throttle.timer = null;
        throttle.lastSentAt = performance.now();
        this.sendHost(hostId);
      },
      this.options.hostThrottleMs - (now - throttle.lastSentAt),
    );
  }

  statusChanged(change: StatusChange): void {
    this.broadcast('status', JSON.stringify(change));
  }

  /** `alert`: an alert changed state ({alert, previous, current, atMs, notify}), sent at once. */
  alertChanged(change: AlertChange): void {
    this.broadcast('alert', JSON.stringify(change));
  }

  /** Ends every stream and stops the timers (the app's preClose, so fastify's close does not wait on them). */
  close(): void {
    this.closed = true;
    this.stopHeartbeat();
    for (const throttle of this.throttles.values()) if (throttle.timer !== null) clearTimeout(throttle.timer);
    this.throttles.clear();
    for (const client of this.clients) client.response.end();
    this.clients.clear();
  }

  private sendHost(hostId: string): void {
    const view = this.options.hostView(hostId);
    if (view !== undefined) this.broadcast('host', JSON.stringify(view));
  }

  private broadcast(event: string, data: string): void {
    if (this.clients.size === 0) return;
    // JSON.stringify never emits a raw line feed, so `data` is one line.
    const frame = `event: ${event}\nid: ${this.nextId++}\ndata: ${data}\n\n`;
    for (const client of this.clients) this.write(client, frame);
  }

  private write(client: Client, text: string): void {
    const { response } = client;
    if (response.writableEnded || response.destroyed) return;
    if (response.writableLength > MAX_BUFFERED_BYTES) {
      response.destroy();
      return;
    }
    response.write(text);
  }

  private startHeartbeat(): void {
    if (this.heartbeat !== null) return;
    this.heartbeat = setInterval(() => {
      for (const client of this.clients) this.write(client, `: heartbeat ${Date.now()}\n\n`);
    }, this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}
