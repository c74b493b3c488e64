import { api, type Series } from '../api.js';
import type { Line } from '../chart.js';

/** Series → chart lines: group by the given attribute keys, summing values at equal timestamps. */
export function linesBy(
  series: readonly Series[],
  keys: readonly string[],
  skip?: (s: Series) => boolean,
): Line[] {
  const groups = new Map<string, Map<number, number>>();
  for (const s of series) {
    if (skip?.(s) === true) continue;
    const label =
      keys
        .map((key) => s.attributes[key] ?? '')
        .filter((v) => v !== '')
        .join(' ') || 'value';
    let points = groups.get(label);
    if (points === undefined) groups.set(label, (points = new Map()));
    for (const [t, v] of s.points) points.set(t, (points.get(t) ?? 0) + v);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, points]) => ({ label, points: [...points.entries()].sort((a, b) => a[0] - b[0]) }));
}

/** The last value of each group (tables): label → value. */
export function lastBy(series: readonly Series[], key: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of linesBy(series, [key])) {
    const last = line.points.at(-1);
    if (last !== undefined) out.set(line.label, last[1]);
  }
  return out;
}

/** Per-container view of one host, from the cgroup series (last 5 minutes up to `toMs`). */
export interface ContainerRow {
  readonly hostId: string;
  readonly path: string;
  readonly name: string;
  readonly kind: string;
  /** CPU seconds per second (cores busy). */
  readonly cpu: number | null;
  /** Bytes. */
  readonly memory: number | null;
  /** Throttled seconds per second. */
  readonly throttled: number | null;
  /** Highest cgroup PSI some avg10, percent. */
  readonly pressure: number | null;
  /** OOM kills in the window's last sample (cumulative count). */
  readonly oomKills: number | null;
}

const KEY = 'sysray.cgroup.path';

export async function containerRows(hostId: string, toMs = Date.now()): Promise<ContainerRow[]> {
  const window = { from: toMs - 5 * 60_000, to: toMs };
  const settle = <T>(promise: Promise<T>) => promise.catch(() => null);
  const [cpu, memory, throttled, pressure, events] = await Promise.all([
    settle(api.series(hostId, 'container.cpu.time', { ...window, agg: 'rate' })),
    settle(api.series(hostId, 'container.memory.usage', { ...window, agg: 'last' })),
    settle(api.series(hostId, 'sysray.cgroup.cpu.throttled_time', { ...window, agg: 'rate' })),
    settle(
      api.series(hostId, 'sysray.cgroup.pressure.stall.average', {
        ...window,
        agg: 'last',
        match: { 'sysray.pressure.kind': 'some' },
      }),
    ),
    settle(
      api.series(hostId, 'sysray.cgroup.memory.events', {
        ...window,
        agg: 'last',
        match: { 'sysray.cgroup.memory.event': 'oom_kill' },
      }),
    ),
  ]);
  const rows = new Map<string, { name: string; kind: string }>();
  for (const answer of [cpu, memory, throttled, pressure, events]) {
    for (const s of answer?.series ?? []) {
      const path = s.attributes[KEY];
      if (path !== undefined && !rows.has(path)) {
        rows.set(path, {
          name: s.attributes['sysray.cgroup.name'] ?? path,
          kind: s.attributes['sysray.cgroup.kind'] ?? '',
        });
      }
    }
  }
  const cpuBy = lastBy(cpu?.series ?? [], KEY);
  const memBy = lastBy(memory?.series ?? [], KEY);
  const thrBy = lastBy(throttled?.series ?? [], KEY);
  const oomBy = lastBy(events?.series ?? [], KEY);
  const psiBy = new Map<string, number>();
  for (const s of pressure?.series ?? []) {
    const window10 = (s.attributes['sysray.pressure.window'] ?? '').startsWith('10');
    const path = s.attributes[KEY];
    const last = s.points.at(-1)?.[1];
    if (!window10 || path === undefined || last === undefined) continue;
    psiBy.set(path, Math.max(psiBy.get(path) ?? 0, last));
  }
  return [...rows.entries()].map(([path, info]) => ({
    hostId,
    path,
    name: info.name,
    kind: info.kind,
    cpu: cpuBy.get(path) ?? null,
    memory: memBy.get(path) ?? null,
    throttled: thrBy.get(path) ?? null,
    pressure: psiBy.get(path) ?? null,
    oomKills: oomBy.get(path) ?? null,
  }));
}
