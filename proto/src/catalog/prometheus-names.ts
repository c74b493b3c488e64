import type { InstrumentKind, PrometheusMapping } from './types.js';

/**
 * UCUM units to the Prometheus unit words appended to a name, after the OpenTelemetry specification's
 * "Prometheus and OpenMetrics compatibility" (metric metadata → metric name): `s` → `seconds`,
 * `By` → `bytes`, `%` → `percent`, `Cel` → `celsius`, `W` → `watts`, `J` → `joules`, `1` → `ratio`
 * (gauges only). Only the units the catalog uses are
 * listed: an unknown one is a catalog mistake and throws rather than exporting a guessed suffix.
 */
const UNIT_WORDS: Readonly<Record<string, string>> = {
  s: 'seconds',
  ms: 'milliseconds',
  By: 'bytes',
  Hz: 'hertz',
  '%': 'percent',
  Cel: 'celsius',
  W: 'watts',
  J: 'joules',
  // Not in the specification's table; `hw.fan.speed` uses it and the OpenTelemetry Collector's translator
  // appends units it does not map unchanged.
  rpm: 'rpm',
};

/** `{packet}`-style annotations carry no unit for Prometheus and are dropped, as the specification says. */
const ANNOTATION = /^\{[^{}]*\}$/;

/** The Prometheus unit word for a UCUM unit and instrument, or '' when none is appended. */
export function prometheusUnitWord(unit: string, instrument: InstrumentKind): string {
  if (unit === '' || ANNOTATION.test(unit)) return '';
  if (unit === '1') return instrument === 'gauge' ? 'ratio' : '';
  const word = UNIT_WORDS[unit];
  if (word === undefined) throw new Error(`no Prometheus unit word for UCUM unit ${JSON.stringify(unit)}`);
  return word;
}

/** Characters outside `[a-zA-Z0-9_]` become `_`, runs of `_` collapse (colons are for recording rules). */
export function sanitizePrometheusName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_').replace(/_{2,}/g, '_');
}

/**
 * The Prometheus family for an OpenTelemetry metric: sanitized name, unit word appended unless the name
 * already ends with it, `_total` for counters. `override` replaces the derived name where the derived one
 * breaks a Prometheus naming rule `promtool check metrics` enforces (a gauge ending in `_count`); it must
 * still carry the unit word (`_ratio` excepted, for 0/1 flags) and, for counters, `_total`.
 */
export function prometheusMapping(
  name: string,
  unit: string,
  instrument: InstrumentKind,
  override?: string,
): PrometheusMapping {
  const type = instrument === 'counter' ? 'counter' : 'gauge';
  const unitWord = prometheusUnitWord(unit, instrument);
  if (override !== undefined) {
    const base = type === 'counter' ? override.replace(/_total$/, '') : override;
    if (type === 'counter' && !override.endsWith('_total')) {
      throw new Error(`Prometheus name override ${override} for counter ${name} must end in _total`);
    }
    // A dimensionless gauge may drop `_ratio` (a 0/1 flag is not a ratio); physical units stay in the name.
    const keepsUnit = unitWord === '' || base.endsWith(`_${unitWord}`);
    if (!keepsUnit && unitWord !== 'ratio') {
      throw new Error(`Prometheus name override ${override} for ${name} must end in _${unitWord}`);
    }
    if (sanitizePrometheusName(override) !== override) {
      throw new Error(`Prometheus name override ${override} for ${name} is not a valid metric name`);
    }
    return { name: override, type, unit: keepsUnit ? unitWord : '' };
  }
  let base = sanitizePrometheusName(name);
  if (unitWord !== '' && !base.endsWith(`_${unitWord}`)) base = `${base}_${unitWord}`;
  return { name: type === 'counter' ? `${base}_total` : base, type, unit: unitWord };
}
