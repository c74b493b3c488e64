/**
 * Escaping and number formatting of the Prometheus text exposition format 0.0.4 ("Exposition formats" in
 * the Prometheus docs), shared by the agent's `/metrics` and the gateway's self-metrics.
 */

/** Label values escape backslash, double quote and line feed. */
export function escapePrometheusLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes backslash and line feed. */
export function escapePrometheusHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Go's strconv formatting as Prometheus parses it: `+Inf`, `-Inf`, `NaN`, else the shortest decimal. */
export function formatPrometheusValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
