import type { Snapshot } from '@sysray/proto';

/** One number from a Snapshot in long form: `cpu.utilization.user{cpu="3"} 0.12`. */
export interface FlatSample {
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * Fields that name an element of a list; they become labels instead of values. The first present wins,
 * so a process is keyed by pid (with its name as a second label), a disk by name, a mount by mount point.
 */
const IDENTITY_FIELDS: readonly (readonly [field: string, label: string])[] = [
  ['pid', 'pid'],
  ['mountPoint', 'mountpoint'],
  ['path', 'cgroup'],
  ['cpu', 'cpu'],
  ['devNumber', 'device'],
  ['name', 'name'],
];
const EXTRA_LABEL_FIELDS: readonly (readonly [field: string, label: string])[] = [
  ['name', 'name'],
  ['fsType', 'fstype'],
];

function identityLabels(item: Record<string, unknown>): Record<string, string> {
  const labels: Record<string, string> = {};
  const identity = IDENTITY_FIELDS.find(
    ([field]) => typeof item[field] === 'string' || typeof item[field] === 'number',
  );
  if (!identity) return labels;
  labels[identity[1]] = String(item[identity[0]]);
  for (const [field, label] of EXTRA_LABEL_FIELDS) {
    if (field !== identity[0] && typeof item[field] === 'string') labels[label] = String(item[field]);
  }
  return labels;
}

function walk(
  value: unknown,
  metric: string,
  labels: Record<string, string>,
  out: FlatSample[],
  skip: ReadonlySet<string>,
): void {
  if (typeof value === 'number') {
    if (Number.isFinite(value)) out.push({ metric, labels, value });
    return;
  }
  if (typeof value === 'boolean') {
    out.push({ metric, labels, value: value ? 1 : 0 });
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'object' && item !== null) {
        walk(item, metric, { ...labels, ...identityLabels(item as Record<string, unknown>) }, out, skip);
      }
    }
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (skip.has(key)) continue;
      walk(child, metric === '' ? key : `${metric}.${key}`, labels, out, skip);
    }
  }
}

// Identity fields are labels, never values.
const SKIPPED_KEYS = new Set(['pid', 'cpu']);

/**
 * Every number in every `ok` section, in long form. Section status and collector duration come first so
 * that a reader of the CSV sees absence (`section.status` 0 or 2) rather than missing rows.
 */
export function flattenSnapshot(snapshot: Snapshot): FlatSample[] {
  const out: FlatSample[] = [];
  for (const [name, section] of Object.entries(snapshot.sections)) {
    const statusCode = section.status === 'ok' ? 1 : section.status === 'unsupported' ? 0 : 2;
    out.push({ metric: 'collector.status', labels: { section: name }, value: statusCode });
    out.push({ metric: 'collector.duration_ms', labels: { section: name }, value: section.durationMs });
    if (section.status === 'ok') walk(section.data, name, {}, out, SKIPPED_KEYS);
  }
  return out;
}
