/**
 * The gateway REST API as the dashboard uses it. Same origin: the gateway serves this page. When the gateway
 * has API tokens, a 401 asks for one (login form); it is kept in localStorage and sent as
 * `Authorization: Bearer`, and as `access_token` on the event stream (EventSource cannot set headers).
 */

const TOKEN_KEY = 'sysray.token';

export type HostStatus = 'up' | 'stale' | 'down';

/** Latest key metrics; ratios 0..1, PSI in percent, network in bytes/s, load in threads, uptime in s. */
export interface HostMetrics {
  readonly cpuUtilization: number | null;
  readonly memoryUtilization: number | null;
  readonly filesystemMaxUtilization: number | null;
  readonly pressureCpuSome10: number | null;
  readonly pressureMemorySome10: number | null;
  readonly pressureIoSome10: number | null;
  readonly networkReceiveBytesPerSecond: number | null;
  readonly networkTransmitBytesPerSecond: number | null;
  readonly load1: number | null;
  readonly uptimeSeconds: number | null;
  readonly gpuUtilization: number | null;
}

export interface Host {
  readonly id: string;
  readonly name: string;
  readonly status: HostStatus;
  readonly agentVersion: string | null;
  readonly resource: Readonly<Record<string, string>>;
  /** Unix epoch milliseconds. */
  readonly firstSeenMs: number;
  /** Unix epoch milliseconds. */
  readonly lastSeenMs: number;
  readonly metrics: HostMetrics;
  readonly metricsAtMs: number | null;
}

export interface HostMetric {
  readonly name: string;
  readonly unit: string;
  readonly kind: 'counter' | 'gauge' | 'updowncounter';
  readonly series: number;
  readonly lastTimestampMs: number;
}

export interface Series {
  readonly attributes: Readonly<Record<string, string>>;
  readonly unit: string;
  readonly kind: string;
  readonly tier: string;
  /** [timestamp ms, value] in time order. */
  readonly points: readonly (readonly [number, number])[];
}

export interface SeriesAnswer {
  readonly hostId: string;
  readonly metric: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly stepMs: number;
  readonly agg: string;
  readonly series: readonly Series[];
}

/** An alert as the alerts engine reports it; fields read defensively (see alertName() and friends). */
export type Alert = Readonly<Record<string, unknown>>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
  }
}

type AuthListener = () => void;
const authListeners = new Set<AuthListener>();

export function getToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token === null || token === '') localStorage.removeItem(TOKEN_KEY);
  else localStorage.setItem(TOKEN_KEY, token);
}

/** Called when the gateway answers 401: the app shows the token form. */
export function onUnauthorized(listener: AuthListener): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const token = getToken();
  return token === null ? extra : { ...extra, authorization: `Bearer ${token}` };
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) for (const listener of authListeners) listener();
  if (!response.ok) {
    let code: string | null = null;
    let message = `${method} ${path}: HTTP ${response.status}`;
    try {
      const parsed = (await response.json()) as { error?: { code?: string; message?: string } };
      code = parsed.error?.code ?? null;
      if (parsed.error?.message !== undefined) message = parsed.error.message;
    } catch {
      // Not JSON: keep the status line.
    }
    throw new ApiError(response.status, code, message);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export const api = {
  hosts: () =>
    request<{ hosts: Host[]; counts: Record<HostStatus | 'total', number>; generatedAtMs: number }>(
      'GET',
      '/api/v1/hosts',
    ),
  host: (id: string) =>
    request<{ host: Host; metrics: HostMetric[] }>('GET', `/api/v1/hosts/${encodeURIComponent(id)}`),
  series: (
    id: string,
    metric: string,
    params: { from: number; to: number; step?: number; agg?: string; match?: Record<string, string> },
  ) => {
    const query = new URLSearchParams({ metric, from: String(params.from), to: String(params.to) });
    if (params.step !== undefined) query.set('step', String(params.step));
    if (params.agg !== undefined) query.set('agg', params.agg);
    for (const [key, value] of Object.entries(params.match ?? {})) query.set(`match[${key}]`, value);
    return request<SeriesAnswer>('GET', `/api/v1/hosts/${encodeURIComponent(id)}/series?${query}`);
  },
  alerts: () => request<unknown>('GET', '/api/v1/alerts'),
  alertHistory: () => request<unknown>('GET', '/api/v1/alerts/history'),
  rules: () => request<unknown>('GET', '/api/v1/rules'),
  silences: () => request<unknown>('GET', '/api/v1/silences'),
  createSilence: (body: unknown) => request<unknown>('POST', '/api/v1/silences', body),
  expireSilence: (id: string) => request<unknown>('DELETE', `/api/v1/silences/${encodeURIComponent(id)}`),
};

/** The list inside an answer: the array itself, or the first array property (`{alerts: [...]}`). */
export function listOf(answer: unknown): Record<string, unknown>[] {
  if (Array.isArray(answer)) return answer as Record<string, unknown>[];
  if (answer !== null && typeof answer === 'object') {
    for (const value of Object.values(answer))
      if (Array.isArray(value)) return value as Record<string, unknown>[];
  }
  return [];
}

export type StreamEvent =
  | { readonly type: 'host'; readonly host: Host }
  | { readonly type: 'status'; readonly data: { hostId: string; current: HostStatus } }
  | { readonly type: 'alert'; readonly data: Alert };

/** The live event stream; reconnects by itself (EventSource, `retry: 5000` from the gateway). */
export function openStream(onEvent: (event: StreamEvent) => void): () => void {
  const token = getToken();
  const url = token === null ? '/api/v1/stream' : `/api/v1/stream?access_token=${encodeURIComponent(token)}`;
  const source = new EventSource(url);
  const parse = (message: MessageEvent<string>): unknown => {
    try {
      return JSON.parse(message.data);
    } catch {
      return null;
    }
  };
  source.addEventListener('host', (message) => {
    const host = parse(message) as Host | null;
    if (host !== null) onEvent({ type: 'host', host });
  });
  source.addEventListener('status', (message) => {
    const data = parse(message) as { hostId: string; current: HostStatus } | null;
    if (data !== null) onEvent({ type: 'status', data });
  });
  source.addEventListener('alert', (message) => {
    const data = parse(message) as Alert | null;
    if (data !== null) onEvent({ type: 'alert', data });
  });
  return () => source.close();
}

/** Reads an alert field under any of the names an engine may use. */
function field(alert: Alert, ...names: string[]): unknown {
  for (const name of names) {
    const value = alert[name];
    if (value !== undefined && value !== null) return value;
  }
  const labels = alert.labels as Record<string, unknown> | undefined;
  for (const name of names) if (labels?.[name] !== undefined) return labels[name];
  return undefined;
}

export function alertName(alert: Alert): string {
  return String(field(alert, 'rule', 'ruleName', 'name', 'alertname') ?? 'alert');
}
export function alertHost(alert: Alert): string {
  return String(field(alert, 'hostId', 'host', 'host.id', 'hostName', 'host.name') ?? '');
}
export function alertSeverity(alert: Alert): string {
  return String(field(alert, 'severity') ?? '');
}
export function alertState(alert: Alert): string {
  return String(field(alert, 'state', 'status') ?? 'firing');
}
export function alertSummary(alert: Alert): string {
  const annotations = alert.annotations as Record<string, unknown> | undefined;
  return String(field(alert, 'summary', 'message', 'description') ?? annotations?.summary ?? '');
}
export function alertSince(alert: Alert): number | null {
  const value = field(alert, 'startsAtMs', 'activeAtMs', 'firedAtMs', 'startsAt', 'atMs');
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? null : parsed;
  }
  return null;
}
