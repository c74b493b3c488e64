import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import {
  escapeHelp,
  escapeLabelValue,
  formatValue,
  renderPrometheusText,
} from '../../src/metrics/prometheus-text.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { T0, agentReport, exportRequest, gauge } from '../helpers/otlp.js';
import { sample } from '../helpers/prom.js';

const hasPromtool = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasPromtool) {
  console.warn(
    'promtool not found on PATH: skipping `promtool check metrics` (apt-get install prometheus provides it)',
  );
}

function promtool(text: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('renderPrometheusText', () => {
  it('writes HELP, TYPE and samples with sorted, escaped labels', () => {
    const text = renderPrometheusText([
      {
        name: 'x_total',
        help: 'A\\B\nC',
        type: 'counter',
        samples: [{ labels: { z: '1', a: 'say "hi"\\\n' }, value: 3 }, { value: 1.5 }],
      },
      {
        name: 'y',
        help: 'y',
        type: 'gauge',
        samples: [{ value: Number.NaN }, { labels: { s: 'inf' }, value: -Infinity }],
      },
    ]);
    expect(text).toBe(
      [
        '# HELP x_total A\\\\B\\nC',
        '# TYPE x_total counter',
        'x_total{a="say \\"hi\\"\\\\\\n",z="1"} 3',
        'x_total 1.5',
        '# HELP y y',
        '# TYPE y gauge',
        'y NaN',
        'y{s="inf"} -Inf',
        '',
      ].join('\n'),
    );
  });

  it('refuses invalid names and duplicate series instead of writing a broken exposition', () => {
    expect(() => renderPrometheusText([{ name: 'bad-name', help: '', type: 'gauge', samples: [] }])).toThrow(
      /invalid metric name/,
    );
    expect(() =>
      renderPrometheusText([
        { name: 'g', help: '', type: 'gauge', samples: [{ labels: { 'bad.label': 'x' }, value: 1 }] },
      ]),
    ).toThrow(/invalid label name/);
    expect(() =>
      renderPrometheusText([{ name: 'g', help: '', type: 'gauge', samples: [{ value: 1 }, { value: 2 }] }]),
    ).toThrow(/duplicate series/);
    expect(() =>
      renderPrometheusText([
        { name: 'g', help: '', type: 'gauge', samples: [] },
        { name: 'g', help: '', type: 'gauge', samples: [] },
      ]),
    ).toThrow(/rendered twice/);
  });

  it('formats values and escapes like the text format wants', () => {
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(0.1)).toBe('0.1');
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeHelp('a"b')).toBe('a"b');
  });
});

describe('GET /metrics', () => {
  it('reports ingest, rejects, store, hosts, SSE clients and forwarding', async () => {
    t = makeTestApp({
      forward: [{ endpoint: 'http://127.0.0.1:9', initialBackoffMs: 60_000, maxBackoffMs: 60_000 }],
    });
    await t.post(agentReport({ id: 'h1', name: 'one' }, T0, { cpuIdle: 0.5, memUsed: 0.5 }));
    await t.post(exportRequest({ 'host.name': 'two' }, [gauge('g', '1', [{ ms: T0, value: Number.NaN }])]));
    t.clock.advance(45_000);
    await t.post(agentReport({ id: 'h3', name: 'three' }, T0 + 45_000, { load1: 1 }));
    const response = await t.app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = response.body;
    expect(sample(text, 'sysray_gateway_ingest_requests_total', { transport: 'http' })).toBe(3);
    expect(sample(text, 'sysray_gateway_ingest_datapoints_total', { transport: 'http' })).toBe(6);
    expect(sample(text, 'sysray_gateway_ingest_batches_total', { transport: 'http' })).toBe(3);
    expect(
      sample(text, 'sysray_gateway_ingest_rejected_datapoints_total', { reason: 'non_finite_value' }),
    ).toBe(1);
    expect(sample(text, 'sysray_gateway_hosts', { status: 'up' })).toBe(1);
    expect(sample(text, 'sysray_gateway_hosts', { status: 'stale' })).toBe(2);
    expect(sample(text, 'sysray_gateway_hosts', { status: 'down' })).toBe(0);
    expect(sample(text, 'sysray_gateway_store_series')).toBe(6);
    expect(sample(text, 'sysray_gateway_store_size_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'sysray_gateway_sse_clients')).toBe(0);
    expect(sample(text, 'sysray_gateway_uptime_seconds')).toBe(45);
    // Three requests forwarded to an upstream that is not there: one in flight or waiting, the rest queued.
    expect(sample(text, 'sysray_gateway_forward_queue_length', { upstream: 'http://127.0.0.1:9' })).toBe(3);
    expect(
      sample(text, 'sysray_gateway_forward_dropped_total', {
        upstream: 'http://127.0.0.1:9',
        reason: 'queue_full',
      }),
    ).toBe(0);
    expect(sample(text, 'sysray_gateway_build_info', { version: '0.1.0' })).toBe(1);
  });

  it.skipIf(!hasPromtool)('passes promtool check metrics', async () => {
    t = makeTestApp({ forward: [{ endpoint: 'http://127.0.0.1:9' }] });
    await t.post(agentReport({ id: 'h1', name: 'one' }, T0, { cpuIdle: 0.5 }));
    await t.app.inject({
      method: 'POST',
      url: '/v1/metrics',
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
    });
    await t.app.inject({ url: '/api/v1/nothing-here' });
    const text = (await t.app.inject({ url: '/metrics' })).body;
    expect(text).toContain('sysray_gateway_api_errors_total{code="SYSRAY_ERR_NOT_FOUND"} 1');
    expect(promtool(text)).toEqual({ status: 0, output: '' });
  });
});
