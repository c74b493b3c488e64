import type { Explanation, Lang } from './types.js';

/** Plain-text rendering of explanations for the terminal; the TUI draws the Explanation object itself. */

const LABELS: Readonly<Record<Lang, Readonly<Record<string, string>>>> = {
  en: {
    metric: 'What it measures',
    concept: 'What it is',
    field: 'What it is',
    healthy: 'Healthy',
    action: 'When it is not',
    source: 'Comes from',
    agent: 'the agent itself',
    snapshot: 'Snapshot',
    otel: 'OpenTelemetry',
    prometheus: 'Prometheus',
    attributes: 'Attributes',
    note: 'Note',
    related: 'See also',
    more: 'Other matches',
  },
  fr: {
    metric: 'Ce que cela mesure',
    concept: 'De quoi il s’agit',
    field: 'De quoi il s’agit',
    healthy: 'Valeur saine',
    action: 'Sinon, que faire',
    source: 'Provenance',
    agent: "l'agent lui-même",
    snapshot: 'Snapshot',
    otel: 'OpenTelemetry',
    prometheus: 'Prometheus',
    attributes: 'Attributs',
    note: 'Note',
    related: 'Voir aussi',
    more: 'Autres résultats',
  },
};

/** Wraps a paragraph to `width` columns with an indent. */
function wrap(text: string, width: number, indent = '  '): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(`${indent}${line}`);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(`${indent}${line}`);
  return lines;
}

export function renderExplanation(explanation: Explanation, width = 100): string {
  const labels = LABELS[explanation.lang];
  const expert = explanation.audience === 'expert';
  const heading =
    explanation.kind === 'metric' ? `${explanation.title} (${explanation.id})` : explanation.title;
  const out: string[] = [heading, ''];
  out.push(`${labels[explanation.kind]}:`, ...wrap(explanation.what, width), '');
  out.push(`${labels.healthy}:`, ...wrap(explanation.healthy, width), '');
  out.push(`${labels.action}:`, ...wrap(explanation.action, width), '');
  const source = explanation.source;
  // Concepts have no source; metrics the agent counts itself (collectors, exporters) read no kernel file.
  if (source)
    out.push(`${labels.source}: ${source.kernel.length > 0 ? source.kernel.join(', ') : labels.agent}`);
  if (expert && source && source.fields.length > 0) {
    out.push(`${labels.snapshot}: ${source.fields.map((field) => `${source.section}.${field}`).join(', ')}`);
  }
  const metric = explanation.metric;
  if (expert && metric) {
    out.push(`${labels.otel}: ${explanation.id} (${metric.instrument}, unit ${metric.unit})`);
    out.push(`${labels.prometheus}: ${metric.prometheus}`);
    if (metric.attributes.length > 0) out.push(`${labels.attributes}: ${metric.attributes.join(', ')}`);
    // The catalog's notes are written in English; they are shown as they are.
    if (metric.note) out.push('', `${labels.note}:`, ...wrap(metric.note, width));
  } else if (metric) {
    out.push(`${labels.prometheus}: ${metric.prometheus}`);
  }
  if (explanation.related.length > 0) {
    out.push('', `${labels.related}: ${explanation.related.map((r) => `${r.title} (${r.id})`).join(', ')}`);
  }
  // Entries without a source leave two blank lines in a row; one separates sections.
  const lines = out.filter((line, index) => line !== '' || out[index - 1] !== '');
  return `${lines.join('\n').trimEnd()}\n`;
}

/** `id — title` lines, for `--list` and "other matches". */
export function renderExplanationList(explanations: readonly Explanation[], title?: string): string {
  const width = Math.max(0, ...explanations.map((e) => e.id.length));
  const lines = explanations.map((e) => `  ${e.id.padEnd(width)}  ${e.title}`);
  return `${title ? `${title}:\n` : ''}${lines.join('\n')}\n`;
}

export function otherMatchesLabel(lang: Lang): string {
  return LABELS[lang].more ?? 'Other matches';
}
