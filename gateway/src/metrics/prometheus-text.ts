/**
 * A small writer of the Prometheus text exposition format 0.0.4 ("Exposition formats" in the Prometheus
 * docs): one `# HELP` and one `# TYPE` line per family, then its samples, families never interleaved,
 * label values escaped (backslash, double quote, line feed), HELP text escaped (backslash, line feed).
 * Output passes `promtool check metrics`, which also lints names: counters end in `_total`, units are
 * base units spelled out as suffixes (`_bytes`, `_seconds`).
 */

import { escapePrometheusHelp, escapePrometheusLabelValue, formatPrometheusValue } from '@sysray/proto';

export const PROMETHEUS_TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type PrometheusType = 'counter' | 'gauge';

export interface PrometheusSample {
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface PrometheusFamily {
  /** Full metric name, `_total` included for counters. */
  readonly name: string;
  readonly help: string;
  readonly type: PrometheusType;
  readonly samples: readonly PrometheusSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Re-exported under their local names for this writer's callers. */
export {
  escapePrometheusHelp as escapeHelp,
  escapePrometheusLabelValue as escapeLabelValue,
  formatPrometheusValue as formatValue,
};

function labelText(labels: Readonly<Record<string, string>> | undefined): string {
  if (labels === undefined) return '';
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((key) => `${key}="${escapePrometheusLabelValue(labels[key] ?? '')}"`).join(',')}}`;
}

/** Renders families in the order given; throws on a name that is not a valid metric or label name. */
export function renderPrometheusText(families: readonly PrometheusFamily[]): string {
  const lines: string[] = [];
  const names = new Set<string>();
  for (const family of families) {
    if (!METRIC_NAME.test(family.name)) throw new Error(`invalid metric name ${JSON.stringify(family.name)}`);
    if (names.has(family.name)) throw new Error(`metric family ${family.name} rendered twice`);
    names.add(family.name);
    lines.push(
      `# HELP ${family.name} ${escapePrometheusHelp(family.help)}`,
      `# TYPE ${family.name} ${family.type}`,
    );
    const seen = new Set<string>();
    for (const sample of family.samples) {
      for (const key of Object.keys(sample.labels ?? {})) {
        if (!LABEL_NAME.test(key) || key.startsWith('__'))
          throw new Error(`invalid label name ${JSON.stringify(key)}`);
      }
      const labels = labelText(sample.labels);
      if (seen.has(labels)) throw new Error(`duplicate series ${family.name}${labels}`);
      seen.add(labels);
      lines.push(`${family.name}${labels} ${formatPrometheusValue(sample.value)}`);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
