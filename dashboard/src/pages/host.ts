import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import {
  alertHost,
  alertName,
  alertSeverity,
  alertState,
  alertSummary,
  api,
  type Host,
  type HostMetric,
  type Series,
} from '../api.js';
import { Chart, type Line } from '../chart.js';
import { ago, bytes, duration, num, pct } from '../format.js';
import { useFleet } from '../live.js';
import { setParams, type Route } from '../router.js';
import { ContainerTable } from './containers.js';
import { containerRows, lastBy, linesBy, type ContainerRow } from './data.js';

/**
 * One host: key facts, charts over a time range, containers/cgroups, top processes and the host's alerts.
 * URL: `#/host/<id>?range=1h` or `?from=<ms>&to=<ms>` (a custom range; dragging on a chart sets it).
 */

export const RANGES: readonly [string, number][] = [
  ['15m', 15 * 60_000],
  ['1h', 3_600_000],
  ['6h', 6 * 3_600_000],
  ['24h', 24 * 3_600_000],
  ['7d', 7 * 86_400_000],
  ['30d', 30 * 86_400_000],
];

export function rangeOf(params: URLSearchParams, nowMs: number): { from: number; to: number; label: string } {
  const from = Number(params.get('from'));
  const to = Number(params.get('to'));
  if (params.has('from') && params.has('to') && Number.isFinite(from) && Number.isFinite(to) && to > from) {
    return { from, to, label: 'custom' };
  }
  const label = params.get('range') ?? '1h';
  const span = RANGES.find(([name]) => name === label)?.[1] ?? 3_600_000;
  return { from: nowMs - span, to: nowMs, label };
}

interface ChartSpec {
  readonly title: string;
  readonly metric: string;
  readonly unit: string;
  readonly agg: string;
  readonly by: readonly string[];
  readonly match?: Record<string, string>;
  readonly skip?: (s: Series) => boolean;
  /** Turn the grouped lines into what is drawn (latency = time / operations). */
  readonly derive?: (lines: Line[], extra: Line[]) => Line[];
  readonly extra?: { metric: string; agg: string; by: readonly string[] };
}

const notLoopback = (s: Series) => s.attributes['network.interface.name'] === 'lo';

function divide(time: Line[], ops: Line[]): Line[] {
  return time.map((line) => {
    const o = new Map(ops.find((op) => op.label === line.label)?.points ?? []);
    return {
      label: line.label,
      points: line.points.flatMap(([t, v]) => {
        const n = o.get(t);
        return n !== undefined && n > 0 ? [[t, v / n] as const] : [];
      }),
    };
  });
}

export const CHARTS: readonly ChartSpec[] = [
  { title: 'CPU by mode', metric: 'system.cpu.time', unit: 's/s', agg: 'rate', by: ['cpu.mode'] },
  { title: 'Memory', metric: 'system.memory.usage', unit: 'By', agg: 'avg', by: ['system.memory.state'] },
  {
    title: 'Paging',
    metric: 'system.paging.operations',
    unit: '{operation}/s',
    agg: 'rate',
    by: ['system.paging.direction', 'system.paging.fault.type'],
  },
  {
    title: 'Disk IO',
    metric: 'system.disk.io',
    unit: 'By/s',
    agg: 'rate',
    by: ['system.device', 'disk.io.direction'],
  },
  {
    title: 'Disk latency (s per operation)',
    metric: 'system.disk.operation_time',
    unit: 's',
    agg: 'rate',
    by: ['system.device'],
    extra: { metric: 'system.disk.operations', agg: 'rate', by: ['system.device'] },
    derive: divide,
  },
  {
    title: 'Filesystem usage',
    metric: 'system.filesystem.utilization',
    unit: '1',
    agg: 'avg',
    by: ['system.filesystem.mountpoint'],
  },
  {
    title: 'Network',
    metric: 'system.network.io',
    unit: 'By/s',
    agg: 'rate',
    by: ['network.interface.name', 'network.io.direction'],
    skip: notLoopback,
  },
  {
    title: 'Pressure (PSI some, avg10)',
    metric: 'sysray.pressure.stall.average',
    unit: '%',
    agg: 'avg',
    by: ['sysray.pressure.resource'],
    match: { 'sysray.pressure.kind': 'some' },
    skip: (s) => !(s.attributes['sysray.pressure.window'] ?? '10').startsWith('10'),
  },
  { title: 'GPU utilization', metric: 'hw.gpu.utilization', unit: '1', agg: 'avg', by: ['hw.name', 'hw.id'] },
];

function HostChart(props: {
  hostId: string;
  spec: ChartSpec;
  from: number;
  to: number;
  onZoom: (from: number, to: number) => void;
}) {
  const [lines, setLines] = useState<Line[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { spec, hostId, from, to } = props;
  useEffect(() => {
    let live = true;
    setLines(null);
    const load = async () => {
      const answer = await api.series(hostId, spec.metric, { from, to, agg: spec.agg, match: spec.match });
      let result = linesBy(answer.series, spec.by, spec.skip);
      if (spec.extra !== undefined && spec.derive !== undefined) {
        const extra = await api.series(hostId, spec.extra.metric, { from, to, agg: spec.extra.agg });
        result = spec.derive(result, linesBy(extra.series, spec.extra.by));
      }
      if (live) setLines(result);
    };
    load().catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [hostId, spec, from, to]);
  if (error !== null)
    return html`<section class="chart">
      <h3>${spec.title}</h3>
      <p class="error">${error}</p>
    </section>`;
  if (lines === null)
    return html`<section class="chart loading">
      <h3>${spec.title}</h3>
      <p class="empty">loading…</p>
    </section>`;
  return html`<${Chart}
    title=${spec.title}
    unit=${spec.unit}
    lines=${lines}
    fromMs=${from}
    toMs=${to}
    onZoom=${props.onZoom}
  />`;
}

function TopProcesses(props: { hostId: string; to: number }) {
  const [rows, setRows] = useState<
    { pid: string; name: string; cpu: number | null; mem: number | null }[] | null
  >(null);
  useEffect(() => {
    const window = { from: props.to - 5 * 60_000, to: props.to, agg: 'last' };
    Promise.all([
      api.series(props.hostId, 'process.cpu.utilization', window).catch(() => null),
      api.series(props.hostId, 'process.memory.usage', window).catch(() => null),
    ]).then(([cpu, mem]) => {
      const names = new Map<string, string>();
      for (const s of [...(cpu?.series ?? []), ...(mem?.series ?? [])]) {
        const pid = s.attributes['process.pid'];
        if (pid !== undefined) names.set(pid, s.attributes['process.executable.name'] ?? pid);
      }
      const cpuBy = lastBy(cpu?.series ?? [], 'process.pid');
      const memBy = lastBy(mem?.series ?? [], 'process.pid');
      const list = [...names.entries()].map(([pid, name]) => ({
        pid,
        name,
        cpu: cpuBy.get(pid) ?? null,
        mem: memBy.get(pid) ?? null,
      }));
      list.sort((a, b) => (b.cpu ?? -1) - (a.cpu ?? -1));
      setRows(list.slice(0, 20));
    });
  }, [props.hostId, props.to]);
  if (rows === null) return html`<p class="empty">loading…</p>`;
  if (rows.length === 0) return html`<p class="empty">no process series in the last 5 minutes</p>`;
  return html`<table class="grid nav" id="processes">
    <thead>
      <tr>
        <th>PID</th>
        <th>Process</th>
        <th>CPU</th>
        <th>Memory</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr>
            <td class="num">${r.pid}</td>
            <td>${r.name}</td>
            <td class="num">${pct(r.cpu)}</td>
            <td class="num">${bytes(r.mem)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function Facts(props: { host: Host }) {
  const { host } = props;
  const r = host.resource;
  return html`<dl class="facts">
    <dt>Status</dt>
    <dd><span class="status ${host.status}">${host.status}</span> (seen ${ago(host.lastSeenMs)})</dd>
    <dt>OS</dt>
    <dd>${r['os.description'] ?? r['os.type'] ?? '–'}</dd>
    <dt>Arch</dt>
    <dd>${r['host.arch'] ?? '–'}</dd>
    <dt>Agent</dt>
    <dd>${host.agentVersion ?? '–'}</dd>
    <dt>Uptime</dt>
    <dd>${duration(host.metrics.uptimeSeconds)}</dd>
    <dt>Load</dt>
    <dd>${num(host.metrics.load1)}</dd>
    ${
      r['k8s.node.name'] !== undefined
        ? html`<dt>Kubernetes node</dt>
            <dd>${r['k8s.node.name']}</dd>`
        : null
    }
  </dl>`;
}

export function HostPage(props: { route: Route; id: string }) {
  const { route, id } = props;
  const fleet = useFleet();
  const [detail, setDetail] = useState<{ host: Host; metrics: HostMetric[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [containers, setContainers] = useState<ContainerRow[] | null>(null);
  const range = rangeOf(route.params, now);

  useEffect(() => {
    setDetail(null);
    api.host(id).then(setDetail, (e: Error) => setError(e.message));
  }, [id]);
  useEffect(() => setNow(Date.now()), [route.params.toString()]);
  useEffect(() => {
    containerRows(id, range.to).then(setContainers, () => setContainers([]));
  }, [id, range.to]);

  if (error !== null) return html`<div class="page"><p class="error">${error}</p></div>`;
  if (detail === null) return html`<div class="page"><p class="empty">loading…</p></div>`;
  const host = fleet.hosts.get(id) ?? detail.host;
  const reported = new Set(detail.metrics.map((m) => m.name));
  const charts = CHARTS.filter((spec) => reported.has(spec.metric));
  const missing = CHARTS.filter((spec) => !reported.has(spec.metric));
  const alerts = (fleet.alerts ?? []).filter((a) => alertHost(a) === host.id || alertHost(a) === host.name);
  const zoom = (from: number, to: number) =>
    setParams(route, { from: String(from), to: String(to), range: null }, false);

  return html`<div class="page host">
    <h2>${host.name}</h2>
    <${Facts} host=${host} />
    <div class="toolbar ranges" role="group" aria-label="time range">
      ${RANGES.map(
        ([name]) =>
          html`<button
            class=${range.label === name ? 'active' : ''}
            data-range=${name}
            onClick=${() => setParams(route, { range: name, from: null, to: null }, false)}
          >
            ${name}
          </button>`,
      )}
      <label
        >from
        <input
          type="datetime-local"
          id="range-from"
          value=${toLocal(range.from)}
          onChange=${(e: Event) => setParams(route, { from: String(fromLocal((e.target as HTMLInputElement).value)), to: String(range.to), range: null }, false)}
      /></label>
      <label
        >to
        <input
          type="datetime-local"
          id="range-to"
          value=${toLocal(range.to)}
          onChange=${(e: Event) => setParams(route, { from: String(range.from), to: String(fromLocal((e.target as HTMLInputElement).value)), range: null }, false)}
      /></label>
      <span class="hint">drag on a chart to zoom</span>
    </div>
    <div class="charts">
      ${charts.map((spec) => html`<${HostChart} key=${spec.title} hostId=${id} spec=${spec} from=${range.from} to=${range.to} onZoom=${zoom} />`)}
    </div>
    ${missing.length > 0 ? html`<p class="hint">Not reported by this host: ${missing.map((s) => s.title).join(', ')}.</p>` : null}
    <h3>Alerts</h3>
    ${
      fleet.alerts === null
        ? html`<p class="empty">alerts not available</p>`
        : alerts.length === 0
          ? html`<p class="empty">no active alerts</p>`
          : html`<ul class="alerts">
              ${alerts.map((a) => html`<li class="sev-${alertSeverity(a)}">${alertName(a)} — ${alertState(a)} ${alertSummary(a)}</li>`)}
            </ul>`
    }
    <h3>Containers and cgroups</h3>
    ${containers === null ? html`<p class="empty">loading…</p>` : html`<${ContainerTable} rows=${containers} showHost=${false} />`}
    <h3>Top processes</h3>
    <${TopProcesses} hostId=${id} to=${range.to} />
  </div>`;
}

function toLocal(ms: number): string {
  const date = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 16);
}

function fromLocal(text: string): number {
  return new Date(text).getTime();
}
