import { useEffect, useState } from 'preact/hooks';
import { api, listOf, openStream, type Alert, type Host } from './api.js';

/**
 * The fleet as the pages see it: hosts from GET /api/v1/hosts, kept current by the event stream (`host`
 * and `status` events), plus the active alerts (GET /api/v1/alerts, refreshed on `alert` events). Each host
 * keeps its last SPARK_POINTS CPU and memory ratios seen live for the fleet table's sparklines.
 */
export const SPARK_POINTS = 30;

export interface FleetState {
  readonly hosts: ReadonlyMap<string, Host>;
  readonly history: ReadonlyMap<string, { cpu: number[]; mem: number[] }>;
  readonly alerts: readonly Alert[] | null;
  readonly loaded: boolean;
  readonly error: string | null;
  readonly version: number;
}

type Listener = (state: FleetState) => void;

class FleetStore {
  private hosts = new Map<string, Host>();
  private history = new Map<string, { cpu: number[]; mem: number[] }>();
  private alerts: Alert[] | null = null;
  private loaded = false;
  private error: string | null = null;
  private version = 0;
  private listeners = new Set<Listener>();
  private closeStream: (() => void) | null = null;
  private pending = false;

  state(): FleetState {
    return {
      hosts: this.hosts,
      history: this.history,
      alerts: this.alerts,
      loaded: this.loaded,
      error: this.error,
      version: this.version,
    };
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.closeStream === null) this.start();
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    // Events come in bursts (one per host); render once per frame.
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.version += 1;
      const state = this.state();
      for (const listener of this.listeners) listener(state);
    });
  }

  private remember(host: Host): void {
    let entry = this.history.get(host.id);
    if (entry === undefined) {
      entry = { cpu: [], mem: [] };
      this.history.set(host.id, entry);
    }
    const push = (list: number[], value: number | null) => {
      if (value === null) return;
      list.push(value);
      if (list.length > SPARK_POINTS) list.shift();
    };
    push(entry.cpu, host.metrics.cpuUtilization);
    push(entry.mem, host.metrics.memoryUtilization);
  }

  start(): void {
    this.closeStream = openStream((event) => {
      if (event.type === 'host') {
        this.hosts.set(event.host.id, event.host);
        this.remember(event.host);
      } else if (event.type === 'status') {
        const host = this.hosts.get(event.data.hostId);
        if (host !== undefined) this.hosts.set(host.id, { ...host, status: event.data.current });
        else void this.refresh();
      } else {
        void this.refreshAlerts();
      }
      this.emit();
    });
    void this.refresh();
    void this.refreshAlerts();
    // Statuses move with time even when nothing is sent; a slow poll keeps the table honest.
    setInterval(() => void this.refresh(), 30_000);
    setInterval(() => void this.refreshAlerts(), 15_000);
  }

  async refresh(): Promise<void> {
    try {
      const answer = await api.hosts();
      this.hosts = new Map(answer.hosts.map((host) => [host.id, host]));
      for (const host of answer.hosts) this.remember(host);
      this.loaded = true;
      this.error = null;
    } catch (error) {
      this.error = (error as Error).message;
    }
    this.emit();
  }

  async refreshAlerts(): Promise<void> {
    try {
      this.alerts = listOf(await api.alerts());
    } catch {
      // 404 until the gateway has the alerts engine: the pages say "alerts not available".
      this.alerts = null;
    }
    this.emit();
  }
}

export const fleet = new FleetStore();

export function useFleet(): FleetState {
  const [state, setState] = useState(() => fleet.state());
  useEffect(() => fleet.subscribe(setState), []);
  return state;
}
