import { ATTRIBUTE_CATALOG } from './attributes.js';
import { METRIC_CATALOG } from './metrics.js';
import type { AttributeDefinition, MetricDefinition, MetricSection } from './types.js';

const SECTION_TITLES: Readonly<Record<MetricSection, string>> = {
  system: 'System',
  cpu: 'CPU',
  memory: 'Memory and paging',
  disks: 'Disks',
  filesystems: 'Filesystems',
  network: 'Network',
  processes: 'Processes',
  cgroups: 'Cgroups and containers',
  pressure: 'Pressure stall information (PSI)',
  gpu: 'GPUs',
  sensors: 'Hardware sensors',
  netProcesses: 'Per-process and per-container network',
  collectors: 'The agent itself',
  exporters: 'The agent’s exporters',
};

const INSTRUMENT_WORDS: Readonly<Record<MetricDefinition['instrument'], string>> = {
  counter: 'Counter',
  updowncounter: 'UpDownCounter',
  gauge: 'Gauge',
};

function code(text: string | number): string {
  return `\`${String(text)}\``;
}

/** Table cells cannot hold a raw `|`. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function anchor(name: string): string {
  return name.replace(/[^a-z0-9_ -]/g, '');
}

function originWord(metric: MetricDefinition | AttributeDefinition): string {
  return metric.origin === 'semconv' ? 'semantic conventions' : 'Sysray';
}

const INTRO = `# Metric reference

<!-- Generated from proto/src/catalog by \`node proto/scripts/gen-metrics-doc.js\`; do not edit by hand. -->

Every metric the Sysray agent exports, over OTLP and on its Prometheus endpoint, is listed here. Names,
units and attributes follow the OpenTelemetry semantic conventions (\`system.*\`, \`process.*\`,
\`container.*\`); where the conventions have no name (PSI, cgroup throttling, TCP/UDP protocol counters,
load average), the metric lives under the \`sysray.*\` prefix and says why.

How to read the entries:

- **Instrument.** Counters are cumulative kernel counters since boot (a reset means a reboot or a
  recreated device). UpDownCounters are levels that add up across their attributes (bytes by state);
  gauges are levels that do not (ratios, frequencies, averages).
- **Prometheus.** The exposition name is the OpenTelemetry name with dots turned into underscores, the
  unit appended (\`s\` → \`_seconds\`, \`By\` → \`_bytes\`, \`Hz\` → \`_hertz\`, \`%\` → \`_percent\`,
  \`1\` → \`_ratio\` on gauges; annotations such as \`{packet}\` add nothing) and \`_total\` on counters,
  as the OpenTelemetry specification's Prometheus compatibility rules say. Attribute keys become labels the
  same way (\`network.interface.name\` → \`network_interface_name\`). Gauges whose name would end in
  \`_count\` are renamed after what they count, because Prometheus reserves that suffix for histograms.
- **One resource.** The agent exports a single Resource (the host: \`host.name\`, \`host.id\`,
  \`os.*\`, \`service.*\`, \`k8s.*\` from the downward API); in Prometheus it is the \`target_info\`
  series. Per-process and per-cgroup metrics tell their series apart by attributes (\`process.pid\`,
  \`sysray.cgroup.path\`) rather than by resources of their own. Their cardinality is bounded by the
  collectors: the top-N processes, and the containers, pods, slices and services of the cgroups section.
- **Absent is not zero.** A section that is unsupported on the host or failed in the last cycle emits no
  series at all; \`sysray.collector.success\` says which. Optional kernel fields missing on older
  kernels leave their series out.
`;

function summaryTable(): string {
  const rows = METRIC_CATALOG.map(
    (metric) =>
      `| [${code(metric.name)}](#${anchor(metric.name)}) | ${INSTRUMENT_WORDS[metric.instrument]} | ${code(
        metric.unit,
      )} | ${code(metric.prometheus.name)} | ${metric.scope} |`,
  );
  return [
    '## Summary',
    '',
    '| Metric | Instrument | Unit | Prometheus | Per |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

function metricEntry(metric: MetricDefinition): string {
  const attributes =
    metric.attributes.length > 0 ? metric.attributes.map((key) => code(key)).join(', ') : '—';
  const fields = metric.source.fields.map((field) => code(field)).join(', ');
  const kernel = metric.source.kernel.length > 0 ? metric.source.kernel.map((k) => code(k)).join(', ') : '—';
  const snapshot =
    metric.source.section === 'collectors'
      ? `every section: ${fields}`
      : `${code(metric.source.section)} section: ${fields}`;
  const lines = [
    `### ${code(metric.name)}`,
    '',
    metric.description,
    '',
    `- **Instrument:** ${INSTRUMENT_WORDS[metric.instrument]} (${metric.valueType}), unit ${code(metric.unit)}`,
    `- **Prometheus:** ${code(metric.prometheus.name)} (${metric.prometheus.type})`,
    `- **Attributes:** ${attributes}`,
    `- **Per:** ${metric.scope}`,
    `- **Snapshot:** ${snapshot}`,
    `- **Kernel:** ${kernel}`,
    `- **Defined by:** ${originWord(metric)}`,
    '',
  ];
  if (metric.note !== undefined) lines.push(metric.note, '');
  return lines.join('\n');
}

function sections(): string {
  const order: MetricSection[] = [];
  for (const metric of METRIC_CATALOG) {
    if (!order.includes(metric.source.section)) order.push(metric.source.section);
  }
  return order
    .map((section) =>
      [
        `## ${SECTION_TITLES[section]}`,
        '',
        ...METRIC_CATALOG.filter((metric) => metric.source.section === section).map((metric) =>
          metricEntry(metric),
        ),
      ].join('\n'),
    )
    .join('\n');
}

function attributeTable(): string {
  const rows = ATTRIBUTE_CATALOG.map((attribute) => {
    const values =
      attribute.values !== undefined ? attribute.values.map((value) => code(value)).join(', ') : '';
    const examples = attribute.examples.map((example) => code(example)).join(', ');
    return `| ${code(attribute.key)} | ${attribute.type} | ${originWord(attribute)} | ${cell(
      values || `e.g. ${examples}`,
    )} | ${cell(attribute.description)} |`;
  });
  return [
    '## Attributes',
    '',
    '| Attribute | Type | Defined by | Values | Meaning |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

/**
 * The metric reference (`docs/metrics.md`) as Markdown, from the catalog. Pure: the generator script
 * writes it (after prettier), and a test checks the committed file matches.
 */
export function renderMetricsMarkdown(): string {
  return [INTRO, summaryTable(), sections(), attributeTable()].join('\n');
}
