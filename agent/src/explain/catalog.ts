import { METRIC_CATALOG, type MetricDefinition, type MetricName } from '@sysray/proto';
import { CGROUP_TEXTS } from './texts/cgroups.js';
import { CONCEPT_TEXTS } from './texts/concepts.js';
import { HARDWARE_TEXTS } from './texts/hardware.js';
import { MEMORY_TEXTS } from './texts/memory.js';
import { NETWORK_TEXTS } from './texts/network.js';
import { PRESSURE_AGENT_TEXTS } from './texts/pressure-agent.js';
import { PROCESS_TEXTS } from './texts/processes.js';
import { STORAGE_TEXTS } from './texts/storage.js';
import { SYSTEM_CPU_TEXTS } from './texts/system-cpu.js';
import type { EntryKind, EntryText, Localized, MetricText } from './types.js';

/**
 * Every explain entry: one per metric of METRIC_CATALOG (text written here, unit, names and source
 * taken from the catalog so they cannot drift), then the concepts and Snapshot fields.
 */

/** Typed over MetricName: a metric added to the catalog without its text is a compile error here. */
export const METRIC_TEXTS: { readonly [K in MetricName]: MetricText } = {
  ...SYSTEM_CPU_TEXTS,
  ...MEMORY_TEXTS,
  ...STORAGE_TEXTS,
  ...NETWORK_TEXTS,
  ...PROCESS_TEXTS,
  ...CGROUP_TEXTS,
  ...PRESSURE_AGENT_TEXTS,
  ...HARDWARE_TEXTS,
};

export interface ExplainSource {
  readonly section: string;
  readonly fields: readonly string[];
  readonly kernel: readonly string[];
}

export interface ExplainEntry {
  readonly id: string;
  readonly kind: EntryKind;
  /** Other names it is found by: the Prometheus name, Snapshot field paths, abbreviations. */
  readonly aliases: readonly string[];
  readonly text: Localized<EntryText>;
  readonly related: readonly string[];
  readonly source: ExplainSource | null;
  readonly metric: MetricDefinition | null;
}

/** `cores[].times.user` in section `cpu` → `cpu.cores[].times.user` and `cpu.cores.times.user`. */
function fieldAliases(section: string, fields: readonly string[]): string[] {
  const out = new Set<string>();
  for (const field of fields) {
    if (field === '' || field.includes('<') || field.includes('*')) continue;
    out.add(`${section}.${field}`);
    out.add(`${section}.${field.replaceAll('[]', '')}`);
  }
  return [...out];
}

function metricEntry(metric: MetricDefinition): ExplainEntry | null {
  const text = (METRIC_TEXTS as Partial<Record<string, MetricText>>)[metric.name];
  if (!text) return null;
  return {
    id: metric.name,
    kind: 'metric',
    aliases: [metric.prometheus.name, ...fieldAliases(metric.source.section, metric.source.fields)],
    text: { en: text.en, fr: text.fr },
    related: text.related ?? [],
    source: metric.source,
    metric,
  };
}

export const EXPLAIN_ENTRIES: readonly ExplainEntry[] = Object.freeze([
  ...METRIC_CATALOG.map(metricEntry).filter((entry): entry is ExplainEntry => entry !== null),
  ...CONCEPT_TEXTS.map((concept): ExplainEntry => ({
    id: concept.id,
    kind: concept.kind,
    aliases: [
      ...concept.aliases,
      ...(concept.source ? fieldAliases(concept.source.section, concept.source.fields) : []),
    ],
    text: { en: concept.en, fr: concept.fr },
    related: concept.related ?? [],
    source: concept.source ?? null,
    metric: null,
  })),
]);

const BY_ID: ReadonlyMap<string, ExplainEntry> = new Map(EXPLAIN_ENTRIES.map((entry) => [entry.id, entry]));

export function entryById(id: string): ExplainEntry | undefined {
  return BY_ID.get(id);
}
