import type {
  OtlpAnyValue,
  OtlpExportMetricsServiceRequest,
  OtlpKeyValue,
  OtlpMetric,
  OtlpNumberDataPoint,
  OtlpResourceMetrics,
} from '@sysray/proto';

/**
 * Builders of decoded OTLP requests (the shape of proto/src/otlp/decoded.ts), for tests: every field the
 * decoder would fill is filled, so the objects also encode with the gateway's codec.
 */

/** A fixed wall time for tests: 2025-11-21T04:40:00Z, Unix epoch milliseconds (the fixtures' btime). */
export const T0 = 1_763_700_000_000;

/** Milliseconds → OTLP nanoseconds as a decimal string. */
export function ns(ms: number): string {
  return (BigInt(Math.trunc(ms)) * 1_000_000n).toString();
}

export function anyValue(value: string | number | boolean): OtlpAnyValue {
  if (typeof value === 'string') return { value: 'string_value', string_value: value };
  if (typeof value === 'boolean') return { value: 'bool_value', bool_value: value };
  return Number.isInteger(value)
    ? { value: 'int_value', int_value: String(value) }
    : { value: 'double_value', double_value: value };
}

export function kv(key: string, value: string | number | boolean | OtlpAnyValue): OtlpKeyValue {
  return { key, value: typeof value === 'object' ? value : anyValue(value), key_strindex: 0 };
}

export function attrs(record: Readonly<Record<string, string | number | boolean>> = {}): OtlpKeyValue[] {
  return Object.entries(record).map(([key, value]) => kv(key, value));
}

export interface PointSpec {
  readonly ms: number;
  readonly value: number;
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
  /** Send as as_int (decimal string). */
  readonly int?: boolean;
  readonly flags?: number;
  readonly startMs?: number;
}

export function numberPoint(spec: PointSpec): OtlpNumberDataPoint {
  const base = {
    attributes: attrs(spec.attributes),
    start_time_unix_nano: spec.startMs === undefined ? '0' : ns(spec.startMs),
    time_unix_nano: ns(spec.ms),
    exemplars: [],
    flags: spec.flags ?? 0,
  };
  return spec.int === true
    ? { ...base, value: 'as_int', as_int: String(spec.value) }
    : { ...base, value: 'as_double', as_double: spec.value };
}

export function gauge(name: string, unit: string, points: readonly PointSpec[]): OtlpMetric {
  return {
    name,
    description: '',
    unit,
    metadata: [],
    data: 'gauge',
    gauge: { data_points: points.map(numberPoint) },
  };
}

export function sum(
  name: string,
  unit: string,
  points: readonly PointSpec[],
  options: { readonly monotonic?: boolean; readonly delta?: boolean } = {},
): OtlpMetric {
  return {
    name,
    description: '',
    unit,
    metadata: [],
    data: 'sum',
    sum: {
      data_points: points.map(numberPoint),
      aggregation_temporality:
        options.delta === true ? 'AGGREGATION_TEMPORALITY_DELTA' : 'AGGREGATION_TEMPORALITY_CUMULATIVE',
      is_monotonic: options.monotonic ?? true,
    },
  };
}

export function resourceMetrics(
  resource: Readonly<Record<string, string | number | boolean>>,
  metrics: readonly OtlpMetric[],
): OtlpResourceMetrics {
  return {
    resource: { attributes: attrs(resource), dropped_attributes_count: 0, entity_refs: [] },
    scope_metrics: [
      {
        scope: { name: 'test', version: '1', attributes: [], dropped_attributes_count: 0 },
        metrics: [...metrics],
        schema_url: '',
      },
    ],
    schema_url: '',
  };
}

export function exportRequest(
  resource: Readonly<Record<string, string | number | boolean>>,
  metrics: readonly OtlpMetric[],
): OtlpExportMetricsServiceRequest {
  return { resource_metrics: [resourceMetrics(resource, metrics)] };
}

/** What a Sysray agent on `host` sends at `ms`: the key metrics of the fleet view. */
export function agentReport(
  host: { readonly id: string; readonly name: string; readonly version?: string },
  ms: number,
  values: {
    readonly cpuIdle?: number;
    readonly memUsed?: number;
    readonly fsUsed?: readonly number[];
    readonly psiCpu?: number;
    readonly rxBytes?: number;
    readonly txBytes?: number;
    readonly load1?: number;
    readonly uptime?: number;
    readonly gpu?: readonly number[];
  } = {},
): OtlpExportMetricsServiceRequest {
  const metrics: OtlpMetric[] = [];
  if (values.cpuIdle !== undefined) {
    metrics.push(
      gauge('system.cpu.utilization', '1', [
        { ms, value: values.cpuIdle, attributes: { 'cpu.mode': 'idle' } },
        { ms, value: 1 - values.cpuIdle, attributes: { 'cpu.mode': 'user' } },
      ]),
    );
  }
  if (values.memUsed !== undefined) {
    metrics.push(
      gauge('system.memory.utilization', '1', [
        { ms, value: values.memUsed, attributes: { 'system.memory.state': 'used' } },
        { ms, value: 1 - values.memUsed, attributes: { 'system.memory.state': 'available' } },
      ]),
    );
  }
  if (values.fsUsed !== undefined) {
    metrics.push(
      gauge(
        'system.filesystem.utilization',
        '1',
        values.fsUsed.map((value, i) => ({
          ms,
          value,
          attributes: { 'system.filesystem.mountpoint': `/m${i}` },
        })),
      ),
    );
  }
  if (values.psiCpu !== undefined) {
    metrics.push(
      gauge('sysray.pressure.stall.average', '%', [
        {
          ms,
          value: values.psiCpu,
          attributes: {
            'sysray.pressure.resource': 'cpu',
            'sysray.pressure.kind': 'some',
            'sysray.pressure.window': '10s',
          },
        },
        {
          ms,
          value: values.psiCpu * 2,
          attributes: {
            'sysray.pressure.resource': 'cpu',
            'sysray.pressure.kind': 'some',
            'sysray.pressure.window': '60s',
          },
        },
      ]),
    );
  }
  if (values.rxBytes !== undefined || values.txBytes !== undefined) {
    metrics.push(
      sum('system.network.io', 'By', [
        {
          ms,
          value: values.rxBytes ?? 0,
          int: true,
          attributes: { 'network.interface.name': 'eth0', 'network.io.direction': 'receive' },
        },
        {
          ms,
          value: values.txBytes ?? 0,
          int: true,
          attributes: { 'network.interface.name': 'eth0', 'network.io.direction': 'transmit' },
        },
        {
          ms,
          value: 999_999_999,
          int: true,
          attributes: { 'network.interface.name': 'lo', 'network.io.direction': 'receive' },
        },
      ]),
    );
  }
  if (values.load1 !== undefined) {
    metrics.push(
      gauge('sysray.system.load_average', '{thread}', [
        { ms, value: values.load1, attributes: { 'sysray.load.window': '1m' } },
        { ms, value: values.load1 + 1, attributes: { 'sysray.load.window': '5m' } },
      ]),
    );
  }
  if (values.uptime !== undefined) metrics.push(gauge('system.uptime', 's', [{ ms, value: values.uptime }]));
  if (values.gpu !== undefined) {
    metrics.push(
      gauge(
        'hw.gpu.utilization',
        '1',
        values.gpu.map((value, i) => ({ ms, value, attributes: { 'hw.id': `gpu${i}` } })),
      ),
    );
  }
  return exportRequest(
    {
      'host.id': host.id,
      'host.name': host.name,
      'service.name': 'sysray-agent',
      'service.version': host.version ?? '0.1.0',
    },
    metrics,
  );
}
