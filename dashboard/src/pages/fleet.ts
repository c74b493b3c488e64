import { html } from 'htm/preact';
import { useMemo } from 'preact/hooks';
import { alertHost, type Host } from '../api.js';
import { Sparkline } from '../chart.js';
import { bytes, duration, num, pct, psi } from '../format.js';
import { useFleet } from '../live.js';
import { href, setParams, type Route } from '../router.js';

/**
 * Fleet: every host with its status and key metrics, live. URL parameters: `q` (search in name, id and
 * resource values), `status`, `sort` (a column key) and `dir` (asc|desc), `group` (`k8s.node`,
 * `k8s.namespace`, or `label:<resource key>`).
 */

interface Column {
  readonly key: string;
  readonly title: string;
  readonly value: (host: Host, alerts: number) => number | string | null;
}

function maxPsi(host: Host): number | null {
  const values = [
    host.metrics.pressureCpuSome10,
    host.metrics.pressureMemorySome10,
    host.metrics.pressureIoSome10,
  ];
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : Math.max(...present);
}

function network(host: Host): number | null {
  const { networkReceiveBytesPerSecond: rx, networkTransmitBytesPerSecond: tx } = host.metrics;
  return rx === null && tx === null ? null : (rx ?? 0) + (tx ?? 0);
}

const STATUS_ORDER = { down: 0, stale: 1, up: 2 } as const;

export const COLUMNS: readonly Column[] = [
  { key: 'status', title: 'Status', value: (h) => STATUS_ORDER[h.status] },
  { key: 'name', title: 'Host', value: (h) => h.name },
  { key: 'cpu', title: 'CPU', value: (h) => h.metrics.cpuUtilization },
  { key: 'memory', title: 'Memory', value: (h) => h.metrics.memoryUtilization },
  { key: 'disk', title: 'Disk', value: (h) => h.metrics.filesystemMaxUtilization },
  { key: 'psi', title: 'PSI', value: maxPsi },
  { key: 'gpu', title: 'GPU', value: (h) => h.metrics.gpuUtilization },
  { key: 'net', title: 'Network', value: network },
  { key: 'load', title: 'Load', value: (h) => h.metrics.load1 },
  { key: 'uptime', title: 'Uptime', value: (h) => h.metrics.uptimeSeconds },
  { key: 'alerts', title: 'Alerts', value: (_h, alerts) => alerts },
];

function groupKey(host: Host, group: string): string {
  if (group === 'k8s.node') return host.resource['k8s.node.name'] ?? '(no node)';
  if (group === 'k8s.namespace') return host.resource['k8s.namespace.name'] ?? '(no namespace)';
  if (group.startsWith('label:')) return host.resource[group.slice(6)] ?? '(none)';
  return '';
}

function compare(a: number | string | null, b: number | string | null): number {
  if (a === null) return b === null ? 0 : 1;
  if (b === null) return -1;
  if (typeof a === 'string' || typeof b === 'string') return String(a).localeCompare(String(b));
  return a - b;
}

function Bar(props: { ratio: number | null }) {
  const ratio = props.ratio;
  const level = ratio === null ? '' : ratio >= 0.9 ? 'crit' : ratio >= 0.75 ? 'warn' : 'ok';
  return html`<span class="bar ${level}"
    ><i style=${`width:${ratio === null ? 0 : Math.min(100, ratio * 100)}%`}></i
  ></span>`;
}

export function FleetPage(props: { route: Route }) {
  const state = useFleet();
  const { params } = props.route;
  const q = params.get('q') ?? '';
  const status = params.get('status') ?? '';
  const sort = params.get('sort') ?? 'name';
  const dir = params.get('dir') === 'desc' ? -1 : 1;
  const group = params.get('group') ?? '';

  const alertCounts = useMemo(() => {
    const counts = new Map<string, number>();
    for (const alert of state.alerts ?? []) {
      const host = alertHost(alert);
      counts.set(host, (counts.get(host) ?? 0) + 1);
    }
    return counts;
  }, [state.alerts]);
  const alertsOf = (host: Host) =>
    (alertCounts.get(host.id) ?? 0) + (host.id !== host.name ? (alertCounts.get(host.name) ?? 0) : 0);

  const labelKeys = useMemo(() => {
    const keys = new Set<string>();
    for (const host of state.hosts.values()) for (const key of Object.keys(host.resource)) keys.add(key);
    return [...keys].sort();
  }, [state.version]);

  const rows = useMemo(() => {
    const needle = q.toLowerCase();
    const column = COLUMNS.find((c) => c.key === sort) ?? COLUMNS[1]!;
    const list = [...state.hosts.values()].filter(
      (host) =>
        (status === '' || host.status === status) &&
        (needle === '' ||
          host.name.toLowerCase().includes(needle) ||
          host.id.toLowerCase().includes(needle) ||
          Object.values(host.resource).some((value) => value.toLowerCase().includes(needle))),
    );
    list.sort(
      (a, b) =>
        dir * compare(column.value(a, alertsOf(a)), column.value(b, alertsOf(b))) ||
        a.name.localeCompare(b.name),
    );
    if (group === '') return [{ key: '', hosts: list }];
    const groups = new Map<string, Host[]>();
    for (const host of list) {
      const key = groupKey(host, group);
      groups.set(key, [...(groups.get(key) ?? []), host]);
    }
    return [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, hosts]) => ({ key, hosts }));
  }, [state.version, q, status, sort, dir, group, alertCounts]);

  const counts = { up: 0, stale: 0, down: 0 };
  for (const host of state.hosts.values()) counts[host.status] += 1;
  const shown = rows.reduce((sum, g) => sum + g.hosts.length, 0);
  const route = props.route;

  const header = (column: Column) => {
    const active = column.key === sort;
    const next = active && dir === 1 ? 'desc' : 'asc';
    return html`<th
      class=${active ? 'sorted' : ''}
      aria-sort=${active ? (dir === 1 ? 'ascending' : 'descending') : 'none'}
    >
      <a href=${href(route.parts, { ...Object.fromEntries(params), sort: column.key, dir: next })}
        >${column.title}${active ? (dir === 1 ? ' ▲' : ' ▼') : ''}</a
      >
    </th>`;
  };

  const row = (host: Host) => {
    const h = state.history.get(host.id);
    const m = host.metrics;
    const alerts = alertsOf(host);
    return html`<tr data-host=${host.id}>
      <td><span class="status ${host.status}">${host.status}</span></td>
      <td><a class="rowlink" href=${href(['host', host.id])}>${host.name}</a></td>
      <td class="num">
        ${pct(m.cpuUtilization)} ${Bar({ ratio: m.cpuUtilization })}
        ${Sparkline({ values: h?.cpu ?? [], max: 1 })}
      </td>
      <td class="num">
        ${pct(m.memoryUtilization)} ${Bar({ ratio: m.memoryUtilization })}
        ${Sparkline({ values: h?.mem ?? [], max: 1 })}
      </td>
      <td class="num">${pct(m.filesystemMaxUtilization)} ${Bar({ ratio: m.filesystemMaxUtilization })}</td>
      <td
        class="num"
        title="PSI some avg10: cpu ${psi(m.pressureCpuSome10)}, memory ${psi(m.pressureMemorySome10)}, io ${psi(m.pressureIoSome10)}"
      >
        ${psi(maxPsi(host))}
      </td>
      <td class="num">${pct(m.gpuUtilization)}</td>
      <td class="num">
        ↓${bytes(m.networkReceiveBytesPerSecond, '/s')} ↑${bytes(m.networkTransmitBytesPerSecond, '/s')}
      </td>
      <td class="num">${num(m.load1)}</td>
      <td class="num">${duration(m.uptimeSeconds)}</td>
      <td class="num">
        ${alerts > 0 ? html`<a class="alert-count" href=${href(['alerts'], { q: host.name })}>${alerts}</a>` : '0'}
      </td>
    </tr>`;
  };

  return html`<div class="page fleet">
    <div class="toolbar">
      <input
        id="search"
        type="search"
        placeholder="Search hosts (/)"
        value=${q}
        onInput=${(e: Event) => setParams(route, { q: (e.target as HTMLInputElement).value })}
      />
      <select
        aria-label="status"
        value=${status}
        onChange=${(e: Event) => setParams(route, { status: (e.target as HTMLSelectElement).value })}
      >
        <option value="">all statuses</option>
        <option value="up">up</option>
        <option value="stale">stale</option>
        <option value="down">down</option>
      </select>
      <select
        aria-label="group by"
        value=${group}
        onChange=${(e: Event) => setParams(route, { group: (e.target as HTMLSelectElement).value })}
      >
        <option value="">no grouping</option>
        <option value="k8s.node">Kubernetes node</option>
        <option value="k8s.namespace">Kubernetes namespace</option>
        ${labelKeys.map((key) => html`<option value=${`label:${key}`}>label ${key}</option>`)}
      </select>
      <span class="counts">
        <span class="status up">${counts.up} up</span> <span class="status stale">${counts.stale} stale</span>
        <span class="status down">${counts.down} down</span> · <span id="shown">${shown}</span> shown
        ${state.alerts === null ? null : html` · <a href="#/alerts">${state.alerts.length} active alerts</a>`}
      </span>
    </div>
    ${state.error !== null ? html`<p class="error">${state.error}</p>` : null}
    ${!state.loaded && state.error === null ? html`<p class="empty">loading…</p>` : null}
    ${state.loaded && state.hosts.size === 0 ? html`<p class="empty">No hosts yet: point an agent's OTLP export at this gateway.</p>` : null}
    <table class="grid nav" id="fleet-table">
      <thead>
        <tr>
          ${COLUMNS.map(header)}
        </tr>
      </thead>
      ${rows.map(
        (g) =>
          html`<tbody>
            ${
              group !== ''
                ? html`<tr class="group">
                    <th colspan=${COLUMNS.length}>${g.key} (${g.hosts.length})</th>
                  </tr>`
                : null
            }
            ${g.hosts.map(row)}
          </tbody>`,
      )}
    </table>
  </div>`;
}
