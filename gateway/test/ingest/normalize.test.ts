import type { OtlpExportMetricsServiceRequest, OtlpMetric } from '@sysray/proto';
import { describe, expect, it } from 'vitest';
import {
  DeltaAccumulator,
  nanosToMs,
  normalizeExportRequest,
  rejectMessage,
  resolveHostId,
  seriesKey,
  stringifyAnyValue,
  stringifyAttributes,
} from '../../src/ingest/normalize.js';
import { T0, attrs, exportRequest, gauge, kv, ns, sum } from '../helpers/otlp.js';

const HOST = { 'host.id': 'abc123', 'host.name': 'web-1' };
const OPTIONS = { receivedAtMs: T0, maxFutureMs: 600_000 };

function normalize(request: OtlpExportMetricsServiceRequest, deltas = new DeltaAccumulator()) {
  return normalizeExportRequest(request, OPTIONS, deltas);
}

function histogram(
  name: string,
  delta: boolean,
  points: { ms: number; count: string; sum?: number }[],
): OtlpMetric {
  return {
    name,
    description: '',
    unit: 'ms',
    metadata: [],
    data: 'histogram',
    histogram: {
      aggregation_temporality: delta ? 'AGGREGATION_TEMPORALITY_DELTA' : 'AGGREGATION_TEMPORALITY_CUMULATIVE',
      data_points: points.map((point) => ({
        attributes: attrs({ route: '/x' }),
        start_time_unix_nano: '0',
        time_unix_nano: ns(point.ms),
        count: point.count,
        ...(point.sum === undefined ? {} : { sum: point.sum }),
        bucket_counts: ['1', point.count],
        explicit_bounds: [10],
        exemplars: [],
        flags: 0,
      })),
    },
  };
}

describe('host identity', () => {
  it('prefers host.id, then host.name, service.instance.id, service.name', () => {
    expect(resolveHostId({ 'host.id': 'id', 'host.name': 'n', 'service.name': 's' })).toBe('id');
    expect(resolveHostId({ 'host.name': 'n', 'service.instance.id': 'i', 'service.name': 's' })).toBe('n');
    expect(resolveHostId({ 'service.instance.id': 'i', 'service.name': 's' })).toBe('i');
    expect(resolveHostId({ 'service.name': 'checkout' })).toBe('checkout');
    expect(resolveHostId({ 'host.id': '  ', 'host.name': 'n' })).toBe('n');
    expect(resolveHostId({ 'os.type': 'linux' })).toBeNull();
  });

  it('scrubs control characters and bounds the length', () => {
    expect(resolveHostId({ 'host.name': 'evil\u001b[2Jhost' })).toBe('evil?[2Jhost');
    expect(resolveHostId({ 'host.name': 'x'.repeat(1000) })?.length).toBe(255);
  });

  it('rejects every point of a resource without identity', () => {
    const request = exportRequest({ 'os.type': 'linux' }, [
      gauge('g', '1', [
        { ms: T0, value: 1 },
        { ms: T0, value: 2, attributes: { a: 'b' } },
      ]),
    ]);
    const result = normalize(request);
    expect(result.batches).toEqual([]);
    expect(result.rejected).toBe(2);
    expect(result.rejectedByReason.get('no_host_identity')).toBe(2);
    expect(result.errorMessage).toBe(
      '2 data points rejected: 2 resource has none of host.id, host.name, service.instance.id, service.name',
    );
  });
});

describe('attribute values', () => {
  it('stringifies every AnyValue kind deterministically', () => {
    expect(stringifyAnyValue({ value: 'string_value', string_value: 'a b' })).toBe('a b');
    expect(stringifyAnyValue({ value: 'bool_value', bool_value: false })).toBe('false');
    expect(stringifyAnyValue({ value: 'int_value', int_value: '-9223372036854775808' })).toBe(
      '-9223372036854775808',
    );
    expect(stringifyAnyValue({ value: 'double_value', double_value: 1.5 })).toBe('1.5');
    expect(stringifyAnyValue({ value: 'double_value', double_value: Number.NaN })).toBe('NaN');
    expect(stringifyAnyValue({ value: 'bytes_value', bytes_value: Uint8Array.from([0, 15, 255]) })).toBe(
      '000fff',
    );
    expect(stringifyAnyValue(null)).toBe('');
    expect(stringifyAnyValue({})).toBe('');
    expect(
      stringifyAnyValue({
        value: 'array_value',
        array_value: {
          values: [
            { value: 'string_value', string_value: 'x' },
            { value: 'int_value', int_value: '3' },
            { value: 'double_value', double_value: Number.POSITIVE_INFINITY },
            {},
          ],
        },
      }),
    ).toBe('["x",3,"Infinity",null]');
  });

  it('sorts key-value list keys so equal maps give equal strings', () => {
    const a = stringifyAnyValue({
      value: 'kvlist_value',
      kvlist_value: { values: [kv('b', 1), kv('a', 'x')] },
    });
    const b = stringifyAnyValue({
      value: 'kvlist_value',
      kvlist_value: { values: [kv('a', 'x'), kv('b', 1)] },
    });
    expect(a).toBe('{"a":"x","b":1}');
    expect(b).toBe(a);
  });

  it('bounds nesting depth instead of recursing without end', () => {
    let value = { value: 'string_value' as const, string_value: 'leaf' } as Parameters<
      typeof stringifyAnyValue
    >[0];
    for (let i = 0; i < 100; i += 1) value = { value: 'array_value', array_value: { values: [value!] } };
    const text = stringifyAnyValue(value);
    expect(text).toContain('"…"');
    expect(text).not.toContain('leaf');
  });

  it('drops empty keys and scrubs control characters', () => {
    expect(stringifyAttributes([kv('', 'x'), kv('k', 'a\nb')])).toEqual({ k: 'a?b' });
  });
});

describe('timestamps', () => {
  it('converts nanosecond strings and numbers to milliseconds', () => {
    expect(nanosToMs('1763700000123456789')).toBe(1_763_700_000_123);
    expect(nanosToMs(1_763_700_000_000_000_000)).toBe(1_763_700_000_000);
    expect(nanosToMs(1_763_700_000_000_000_000n)).toBe(1_763_700_000_000);
  });

  it('treats zero, negative and garbage as missing', () => {
    expect(nanosToMs('0')).toBeNull();
    expect(nanosToMs('-5')).toBeNull();
    expect(nanosToMs('12abc')).toBeNull();
    expect(nanosToMs(Number.NaN)).toBeNull();
    expect(nanosToMs(undefined)).toBeNull();
  });
});

describe('normalizeExportRequest', () => {
  it('maps gauges, cumulative sums and non-monotonic sums to the store kinds', () => {
    const request = exportRequest(HOST, [
      gauge('system.cpu.utilization', '1', [{ ms: T0, value: 0.25, attributes: { 'cpu.mode': 'idle' } }]),
      sum('system.network.io', 'By', [
        { ms: T0, value: 12345, int: true, attributes: { 'network.io.direction': 'receive' } },
      ]),
      sum('system.process.count', '{process}', [{ ms: T0, value: 7, int: true }], { monotonic: false }),
    ]);
    const result = normalize(request);
    expect(result.accepted).toBe(3);
    expect(result.rejected).toBe(0);
    expect(result.errorMessage).toBe('');
    expect(result.batches).toHaveLength(1);
    const batch = result.batches[0]!;
    expect(batch.hostId).toBe('abc123');
    expect(batch.receivedAtMs).toBe(T0);
    expect(batch.resource).toEqual(HOST);
    expect(batch.points).toEqual([
      {
        metric: 'system.cpu.utilization',
        unit: '1',
        kind: 'gauge',
        attributes: { 'cpu.mode': 'idle' },
        timestampMs: T0,
        value: 0.25,
      },
      {
        metric: 'system.network.io',
        unit: 'By',
        kind: 'counter',
        attributes: { 'network.io.direction': 'receive' },
        timestampMs: T0,
        value: 12345,
      },
      {
        metric: 'system.process.count',
        unit: '{process}',
        kind: 'updowncounter',
        attributes: {},
        timestampMs: T0,
        value: 7,
      },
    ]);
  });

  it('reads int64 values beyond 2^53 as the nearest double', () => {
    const result = normalize(exportRequest(HOST, [sum('c', '1', [{ ms: T0, value: 0, int: true }])]));
    expect(result.accepted).toBe(1);
    const big = exportRequest(HOST, [
      {
        ...sum('c', '1', []),
        sum: {
          aggregation_temporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE',
          is_monotonic: true,
          data_points: [
            {
              attributes: [],
              start_time_unix_nano: '0',
              time_unix_nano: ns(T0),
              value: 'as_int',
              as_int: '9007199254740993',
              exemplars: [],
              flags: 0,
            },
          ],
        },
      },
    ]);
    expect(normalize(big).batches[0]!.points[0]!.value).toBe(9007199254740992);
  });

  it('accumulates DELTA sums into running totals per series', () => {
    const deltas = new DeltaAccumulator();
    const send = (ms: number, value: number, route = '/a') =>
      normalize(
        exportRequest(HOST, [
          sum('http.requests', '{request}', [{ ms, value, int: true, attributes: { route } }], {
            delta: true,
          }),
        ]),
        deltas,
      );
    expect(send(T0, 5).batches[0]!.points[0]).toMatchObject({ kind: 'counter', value: 5 });
    expect(send(T0 + 10_000, 3).batches[0]!.points[0]!.value).toBe(8);
    expect(send(T0 + 10_000, 3, '/b').batches[0]!.points[0]!.value).toBe(3);
    expect(send(T0 + 20_000, 0).batches[0]!.points[0]!.value).toBe(8);
    expect(deltas.size).toBe(2);
  });

  it('rejects a repeated delta (a client retry) instead of counting it twice', () => {
    const deltas = new DeltaAccumulator();
    const request = exportRequest(HOST, [sum('d', '1', [{ ms: T0, value: 5 }], { delta: true })]);
    expect(normalize(request, deltas).accepted).toBe(1);
    const again = normalize(request, deltas);
    expect(again.accepted).toBe(0);
    expect(again.rejectedByReason.get('stale_delta')).toBe(1);
    expect(again.errorMessage).toContain('delta point not newer');
  });

  it('accumulates non-monotonic DELTA sums as up-down counters', () => {
    const deltas = new DeltaAccumulator();
    normalize(
      exportRequest(HOST, [sum('q', '1', [{ ms: T0, value: 4 }], { delta: true, monotonic: false })]),
      deltas,
    );
    const second = normalize(
      exportRequest(HOST, [sum('q', '1', [{ ms: T0 + 1, value: -3 }], { delta: true, monotonic: false })]),
      deltas,
    );
    expect(second.batches[0]!.points[0]).toMatchObject({ kind: 'updowncounter', value: 1 });
  });

  it('forgets the least recently updated delta series past the bound', () => {
    const deltas = new DeltaAccumulator(2);
    expect(deltas.add('a', 1, 1)).toBe(1);
    expect(deltas.add('b', 1, 1)).toBe(1);
    expect(deltas.add('a', 2, 1)).toBe(2);
    expect(deltas.add('c', 1, 1)).toBe(1);
    expect(deltas.size).toBe(2);
    expect(deltas.evicted).toBe(1);
    // b was the least recently updated: it starts over.
    expect(deltas.add('b', 5, 10)).toBe(10);
    expect(deltas.add('c', 2, 1)).toBe(2);
    expect(() => new DeltaAccumulator(0)).toThrow(/positive/);
  });

  it('stores histograms as <name>.count and <name>.sum counters', () => {
    const result = normalize(
      exportRequest(HOST, [
        histogram('http.duration', false, [
          { ms: T0, count: '10', sum: 123.5 },
          { ms: T0 + 1000, count: '12' },
        ]),
      ]),
    );
    expect(result.batches[0]!.points).toEqual([
      {
        metric: 'http.duration.count',
        unit: '{count}',
        kind: 'counter',
        attributes: { route: '/x' },
        timestampMs: T0,
        value: 10,
      },
      {
        metric: 'http.duration.sum',
        unit: 'ms',
        kind: 'counter',
        attributes: { route: '/x' },
        timestampMs: T0,
        value: 123.5,
      },
      {
        metric: 'http.duration.count',
        unit: '{count}',
        kind: 'counter',
        attributes: { route: '/x' },
        timestampMs: T0 + 1000,
        value: 12,
      },
    ]);
  });

  it('accumulates DELTA histograms', () => {
    const deltas = new DeltaAccumulator();
    normalize(exportRequest(HOST, [histogram('h', true, [{ ms: T0, count: '2', sum: 4 }])]), deltas);
    const second = normalize(
      exportRequest(HOST, [histogram('h', true, [{ ms: T0 + 10, count: '3', sum: 1 }])]),
      deltas,
    );
    expect(second.batches[0]!.points.map((point) => [point.metric, point.value])).toEqual([
      ['h.count', 5],
      ['h.sum', 5],
    ]);
  });

  it('stores exponential histograms and summaries the same way, never crashing on them', () => {
    const exponential: OtlpMetric = {
      name: 'latency',
      description: '',
      unit: 's',
      metadata: [],
      data: 'exponential_histogram',
      exponential_histogram: {
        aggregation_temporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE',
        data_points: [
          {
            attributes: [],
            start_time_unix_nano: '0',
            time_unix_nano: ns(T0),
            count: '4',
            sum: 0.5,
            scale: 3,
            zero_count: '1',
            positive: { offset: -2, bucket_counts: ['1', '2'] },
            negative: null,
            flags: 0,
            exemplars: [],
            zero_threshold: 0,
          },
        ],
      },
    };
    const summary: OtlpMetric = {
      name: 'gc',
      description: '',
      unit: 's',
      metadata: [],
      data: 'summary',
      summary: {
        data_points: [
          {
            attributes: [],
            start_time_unix_nano: '0',
            time_unix_nano: ns(T0),
            count: '7',
            sum: 0.7,
            quantile_values: [{ quantile: 0.5, value: 0.1 }],
            flags: 0,
          },
        ],
      },
    };
    const result = normalize(exportRequest(HOST, [exponential, summary]));
    expect(result.batches[0]!.points.map((point) => [point.metric, point.kind, point.value])).toEqual([
      ['latency.count', 'counter', 4],
      ['latency.sum', 'counter', 0.5],
      ['gc.count', 'counter', 7],
      ['gc.sum', 'counter', 0.7],
    ]);
  });

  it('skips NO_RECORDED_VALUE points without rejecting them', () => {
    const result = normalize(
      exportRequest(HOST, [
        gauge('g', '1', [
          { ms: T0, value: 0, flags: 1 },
          { ms: T0, value: 2, attributes: { a: '1' } },
        ]),
      ]),
    );
    expect(result.skipped).toBe(1);
    expect(result.rejected).toBe(0);
    expect(result.accepted).toBe(1);
  });

  it('rejects NaN, infinite, valueless, unstamped and future points and counts each reason', () => {
    const request = exportRequest(HOST, [
      gauge('g', '1', [
        { ms: T0, value: Number.NaN },
        { ms: T0, value: Number.POSITIVE_INFINITY, attributes: { x: '1' } },
        { ms: 0, value: 1, attributes: { x: '2' } },
        { ms: T0 + 600_001, value: 1, attributes: { x: '3' } },
        { ms: T0 + 600_000, value: 1, attributes: { x: '4' } },
      ]),
      {
        ...gauge('novalue', '1', []),
        gauge: {
          data_points: [
            { attributes: [], start_time_unix_nano: '0', time_unix_nano: ns(T0), exemplars: [], flags: 0 },
          ],
        },
      },
    ]);
    const result = normalize(request);
    expect(result.accepted).toBe(1);
    expect(result.rejected).toBe(5);
    expect(Object.fromEntries(result.rejectedByReason)).toEqual({
      non_finite_value: 2,
      missing_timestamp: 1,
      future_timestamp: 1,
      no_value: 1,
    });
    expect(result.errorMessage).toBe(
      '5 data points rejected: 1 data point has neither as_double nor as_int; 2 value is NaN or infinite; 1 time_unix_nano is zero or not a valid integer; 1 timestamp too far in the future',
    );
    // The host is still seen: its batch carries what survived.
    expect(result.batches[0]!.points).toHaveLength(1);
  });

  it('rejects sums with UNSPECIFIED temporality and bad metric names', () => {
    const unspecified: OtlpMetric = {
      ...sum('s', '1', [
        { ms: T0, value: 1 },
        { ms: T0, value: 2, attributes: { a: 'b' } },
      ]),
    };
    const bad = {
      ...unspecified,
      sum: { ...unspecified.sum!, aggregation_temporality: 'AGGREGATION_TEMPORALITY_UNSPECIFIED' as const },
    };
    const result = normalize(
      exportRequest(HOST, [
        bad,
        gauge('', '1', [{ ms: T0, value: 1 }]),
        gauge('a\u0007b', '1', [{ ms: T0, value: 1 }]),
      ]),
    );
    expect(Object.fromEntries(result.rejectedByReason)).toEqual({
      unspecified_temporality: 2,
      invalid_metric_name: 2,
    });
  });

  it('reads decoders that leave out the virtual oneof fields', () => {
    const metric = gauge('g', '1', [{ ms: T0, value: 3 }]);
    const { data: _data, ...bare } = metric;
    const point = metric.gauge!.data_points[0]!;
    const { value: _value, ...barePoint } = point;
    const result = normalize(exportRequest(HOST, [{ ...bare, gauge: { data_points: [barePoint] } }]));
    expect(result.batches[0]!.points[0]!.value).toBe(3);
  });

  it('returns one batch per resource and an empty batch for a resource with no points', () => {
    const request: OtlpExportMetricsServiceRequest = {
      resource_metrics: [
        ...exportRequest({ 'host.name': 'a' }, [gauge('g', '1', [{ ms: T0, value: 1 }])]).resource_metrics,
        ...exportRequest({ 'host.name': 'b' }, []).resource_metrics,
        { resource: null, scope_metrics: [], schema_url: '' },
      ],
    };
    const result = normalize(request);
    expect(result.batches.map((batch) => [batch.hostId, batch.points.length])).toEqual([
      ['a', 1],
      ['b', 0],
    ]);
  });

  it('handles an empty request', () => {
    expect(normalize({ resource_metrics: [] })).toMatchObject({
      batches: [],
      accepted: 0,
      rejected: 0,
      errorMessage: '',
    });
  });
});

describe('helpers', () => {
  it('builds series keys independent of attribute order', () => {
    expect(seriesKey('h', 'm', { a: '1', b: '2' })).toBe(seriesKey('h', 'm', { b: '2', a: '1' }));
    expect(seriesKey('h', 'm', { a: '1' })).not.toBe(seriesKey('h', 'm', { a: '2' }));
  });

  it('writes one clause per reason in a fixed order', () => {
    expect(rejectMessage(new Map([['future_timestamp', 1]]))).toBe(
      '1 data point rejected: 1 timestamp too far in the future',
    );
    expect(rejectMessage(new Map())).toBe('');
  });
});
