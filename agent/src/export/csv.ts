import type { Snapshot } from '@sysray/proto';
import { flattenSnapshot } from './flatten.js';

/** RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** `labels` as `key=value;key=value`, sorted, so rows diff cleanly between snapshots. */
function formatLabels(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}=${labels[key]}`)
    .join(';');
}

export const CSV_HEADER = 'timestamp,metric,labels,value';

/** The Snapshot in long form: one row per number, `timestamp` as ISO 8601 UTC. */
export function snapshotToCsvRows(snapshot: Snapshot): string[] {
  const timestamp = new Date(snapshot.timestamp).toISOString();
  return flattenSnapshot(snapshot).map((sample) =>
    [timestamp, csvField(sample.metric), csvField(formatLabels(sample.labels)), String(sample.value)].join(
      ',',
    ),
  );
}

export function snapshotToCsv(snapshot: Snapshot, header = true): string {
  const rows = snapshotToCsvRows(snapshot);
  return `${(header ? [CSV_HEADER, ...rows] : rows).join('\n')}\n`;
}
