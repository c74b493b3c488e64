import type { SectionName } from '../snapshot.js';

/**
 * The OpenTelemetry instrument a metric is reported with. `counter` is a monotonic cumulative sum (a kernel
 * counter since boot); `updowncounter` is a level that is additive across its attributes (bytes by state);
 * `gauge` is a level that is not (a ratio, a frequency, an average).
 */
export type InstrumentKind = 'counter' | 'updowncounter' | 'gauge';

/** Integer metrics are whole numbers (bytes, pages, operations); double ones carry fractions (seconds, ratios). */
export type MetricValueType = 'int' | 'double';

/**
 * What one series describes. The agent exports a single Resource (the host), so per-process and
 * per-cgroup data are series of that resource told apart by attributes (`process.pid`,
 * `sysray.cgroup.path`), not resources of their own as OpenTelemetry's process and container
 * conventions would model them. Cardinality is bounded by the collectors: the top-N processes and the
 * containers, pods and slices the cgroups collector keeps. `container` series are network namespaces other
 * than the host's, told apart by `sysray.netns.inode` and attributed to the container or pod inside.
 */
export type MetricScope = 'host' | 'process' | 'cgroup' | 'container' | 'agent';

/**
 * `semconv`: the name and meaning come from the OpenTelemetry semantic conventions (`system.*`,
 * `process.*`, `container.*`); `sysray`: the conventions have no name for it (PSI, cgroup throttling,
 * TCP/UDP protocol counters, load average), so it lives under the documented `sysray.*` prefix.
 */
export type CatalogOrigin = 'semconv' | 'sysray';

/** The Snapshot section a collector's status and timing come from, or any section (`collectors`). */
/** `collectors` and `exporters`: the agent's own health, not mapped from a Snapshot section. */
export type MetricSection = SectionName | 'collectors' | 'exporters';

export interface AttributeDefinition {
  readonly key: string;
  readonly type: 'string' | 'int';
  readonly description: string;
  /** The closed set of values the agent emits, when there is one. */
  readonly values?: readonly string[];
  readonly examples: readonly (string | number)[];
  readonly origin: CatalogOrigin;
}

/** Where a metric's numbers come from: the Snapshot field(s) and the kernel file(s) behind them. */
export interface MetricSource {
  readonly section: MetricSection;
  /** Paths inside the section's data, `[]` marking an array: `cores[].times.user`. */
  readonly fields: readonly string[];
  /** Kernel interfaces read on Linux, e.g. `/proc/stat`, `<cgroup>/cpu.stat`. */
  readonly kernel: readonly string[];
}

/** How the metric appears in the Prometheus text exposition (`/metrics`, `snapshot --format prometheus`). */
export interface PrometheusMapping {
  /** The metric family name as exposed, `_total` included for counters: `system_cpu_time_seconds_total`. */
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  /** The unit word appended to the name (`seconds`, `bytes`, `ratio`, `hertz`, `percent`), or '' for none. */
  readonly unit: string;
}

export interface MetricDefinition {
  /** OpenTelemetry metric name, e.g. `system.cpu.time`. */
  readonly name: string;
  readonly description: string;
  /** UCUM unit as OpenTelemetry writes it: `s`, `By`, `Hz`, `1`, `%`, or an annotation like `{packet}`. */
  readonly unit: string;
  readonly instrument: InstrumentKind;
  readonly valueType: MetricValueType;
  /** Attribute keys the series carry; each is described in `ATTRIBUTE_CATALOG`. */
  readonly attributes: readonly string[];
  readonly scope: MetricScope;
  readonly origin: CatalogOrigin;
  readonly source: MetricSource;
  /** Why a detail deviates from or adds to the conventions, when it does. */
  readonly note?: string;
  readonly prometheus: PrometheusMapping;
}
