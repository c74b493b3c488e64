import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { bytes, num, pct, psi } from '../format.js';
import { useFleet } from '../live.js';
import { href, setParams, type Route } from '../router.js';
import { containerRows, type ContainerRow } from './data.js';

/**
 * Containers and pods across the fleet: the cgroup series (container.*, sysray.cgroup.*) of every up host,
 * last 5 minutes. The gateway has no fleet-wide container query, so this asks each host (at most
 * MAX_HOSTS, busiest CPU first) and merges. URL: `#/containers?q=&sort=cpu`.
 */
const MAX_HOSTS = 50;

export function ContainerTable(props: { rows: readonly ContainerRow[]; showHost: boolean; sort?: string }) {
  const sort = props.sort ?? 'cpu';
  const key = (row: ContainerRow): number =>
    (sort === 'memory'
      ? row.memory
      : sort === 'throttled'
        ? row.throttled
        : sort === 'pressure'
          ? row.pressure
          : sort === 'oom'
            ? row.oomKills
            : row.cpu) ?? -1;
  const rows = [...props.rows].sort((a, b) => key(b) - key(a));
  if (rows.length === 0)
    return html`<p class="empty">no container or cgroup series in the last 5 minutes</p>`;
  return html`<table class="grid nav containers">
    <thead>
      <tr>
        ${props.showHost ? html`<th>Host</th>` : null}
        <th>Container / cgroup</th>
        <th>Kind</th>
        <th>CPU (cores)</th>
        <th>Memory</th>
        <th>Throttled</th>
        <th>PSI some</th>
        <th>OOM kills</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr>
            ${props.showHost ? html`<td><a class="rowlink" href=${href(['host', r.hostId])}>${r.hostId}</a></td>` : null}
            <td title=${r.path}>${r.name}</td>
            <td>${r.kind}</td>
            <td class="num">${num(r.cpu)}</td>
            <td class="num">${bytes(r.memory)}</td>
            <td class="num">${r.throttled === null ? '–' : pct(r.throttled)}</td>
            <td class="num">${psi(r.pressure)}</td>
            <td class="num ${r.oomKills !== null && r.oomKills > 0 ? 'crit' : ''}">${r.oomKills ?? '–'}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export function ContainersPage(props: { route: Route }) {
  const fleet = useFleet();
  const [rows, setRows] = useState<ContainerRow[] | null>(null);
  const q = (props.route.params.get('q') ?? '').toLowerCase();
  const sort = props.route.params.get('sort') ?? 'cpu';
  const hostKey = [...fleet.hosts.values()]
    .filter((h) => h.status !== 'down')
    .map((h) => h.id)
    .sort()
    .join(',');
  useEffect(() => {
    if (!fleet.loaded) return;
    const hosts = [...fleet.hosts.values()]
      .filter((h) => h.status !== 'down')
      .sort((a, b) => (b.metrics.cpuUtilization ?? 0) - (a.metrics.cpuUtilization ?? 0))
      .slice(0, MAX_HOSTS);
    Promise.all(hosts.map((h) => containerRows(h.id).catch(() => []))).then((all) => setRows(all.flat()));
  }, [fleet.loaded, hostKey]);
  const shown = (rows ?? []).filter(
    (r) => q === '' || `${r.hostId} ${r.name} ${r.path}`.toLowerCase().includes(q),
  );
  return html`<div class="page containers">
    <div class="toolbar">
      <input
        id="search"
        type="search"
        placeholder="Search containers (/)"
        value=${q}
        onInput=${(e: Event) => setParams(props.route, { q: (e.target as HTMLInputElement).value })}
      />
      <select
        aria-label="sort"
        value=${sort}
        onChange=${(e: Event) => setParams(props.route, { sort: (e.target as HTMLSelectElement).value })}
      >
        <option value="cpu">by CPU</option>
        <option value="memory">by memory</option>
        <option value="throttled">by throttling</option>
        <option value="pressure">by pressure</option>
        <option value="oom">by OOM kills</option>
      </select>
    </div>
    ${rows === null ? html`<p class="empty">loading…</p>` : html`<${ContainerTable} rows=${shown} showHost=${true} sort=${sort} />`}
  </div>`;
}
