import {
  escapePrometheusHelp as escapeHelp,
  escapePrometheusLabelValue as escapeLabelValue,
  formatPrometheusValue as formatValue,
  METRIC_CATALOG,
  sanitizePrometheusName,
  type MetricDefinition,
} from '@sysray/proto';
import type { Observation } from '../otel/snapshot-metrics.js';

/**
 * Writes the Prometheus text exposition (format 0.0.4) of mapped observations. Names, types, HELP and
 * UNIT come from the catalog, so the exposition and docs/metrics.md cannot disagree; `target_info`
 * carries the resource attributes, as the OpenTelemetry Prometheus compatibility rules describe.
 *
 * Written directly rather than through an SDK MeterProvider: collecting on a fresh provider per scrape
 * (the only way to drop series of processes that left the top list, which a long-lived provider keeps
 * forever) cost more CPU than the whole collection tick; this writer takes a few milliseconds.
 */

const labelNames = new Map<string, string>();

/** Attribute key → label name, memoized (the set of keys is small and fixed by the catalog). */
function labelName(key: string): string {
  let name = labelNames.get(key);
  if (name === undefined) {
    name = sanitizePrometheusName(key);
    labelNames.set(key, name);
  }
  return name;
}

function labels(attributes: Readonly<Record<string, string | number>>): string {
  let out = '';
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined) continue;
    out += `${out === '' ? '' : ','}${labelName(key)}="${escapeLabelValue(String(value))}"`;
  }
  return out === '' ? '' : `{${out}}`;
}

function header(definition: MetricDefinition): string {
  const { name, type, unit } = definition.prometheus;
  const unitLine = unit === '' ? '' : `# UNIT ${name} ${unit}\n`;
  return `# HELP ${name} ${escapeHelp(definition.description)}\n${unitLine}# TYPE ${name} ${type}\n`;
}

export function renderPrometheusText(
  observations: readonly Observation[],
  resourceAttributes: Readonly<Record<string, string | number>>,
): string {
  const byMetric = new Map<string, Observation[]>();
  for (const observation of observations) {
    const list = byMetric.get(observation.name);
    if (list === undefined) byMetric.set(observation.name, [observation]);
    else list.push(observation);
  }
  let text = `# HELP target_info Target metadata\n# TYPE target_info gauge\ntarget_info${labels(resourceAttributes)} 1\n`;
  // Catalog order keeps related families together and the output stable between scrapes.
  for (const definition of METRIC_CATALOG) {
    const points = byMetric.get(definition.name);
    if (points === undefined) continue;
    text += header(definition);
    const family = definition.prometheus.name;
    for (const point of points) text += `${family}${labels(point.attributes)} ${formatValue(point.value)}\n`;
  }
  return text;
}
