export type {
  AttributeDefinition,
  CatalogOrigin,
  InstrumentKind,
  MetricDefinition,
  MetricScope,
  MetricSection,
  MetricSource,
  MetricValueType,
  PrometheusMapping,
} from './types.js';
export type { AttributeKey } from './attributes.js';
export { ATTRIBUTE_CATALOG } from './attributes.js';
export type { MetricName } from './metrics.js';
export { METRIC_CATALOG, SNAPSHOT_METRIC_CATALOG, metricDefinition } from './metrics.js';
export { prometheusMapping, prometheusUnitWord, sanitizePrometheusName } from './prometheus-names.js';
export { renderMetricsMarkdown } from './markdown.js';
