import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { ATTRIBUTE_CATALOG } from '../src/catalog/attributes.js';
import { renderMetricsMarkdown } from '../src/catalog/markdown.js';
import { METRIC_CATALOG, metricDefinition } from '../src/catalog/metrics.js';
import {
  prometheusMapping,
  prometheusUnitWord,
  sanitizePrometheusName,
} from '../src/catalog/prometheus-names.js';
import { SECTION_NAMES } from '../src/snapshot.js';

/** OpenTelemetry API instrument name syntax (metrics API: "Instrument name syntax"). */
const OTEL_NAME = /^[A-Za-z][A-Za-z0-9_.\-/]{0,254}$/;

/** Units the catalog may use: UCUM codes the Prometheus mapping knows, or a `{...}` annotation. */
const UNIT = /^(s|By|Hz|%|1|Cel|W|J|rpm|\{[a-z_]+\})$/;

/** Abbreviated units and metric types promtool's lint rejects as name tokens (client_golang promlint). */
const PROMLINT_ABBREVIATIONS = [
  's',
  'ms',
  'us',
  'ns',
  'sec',
  'b',
  'kb',
  'mb',
  'gb',
  'tb',
  'pb',
  'm',
  'h',
  'd',
];
const PROMLINT_TYPES = ['counter', 'gauge', 'histogram', 'summary', 'gaugehistogram'];
/** Non-base units promlint asks to replace (`use base unit "seconds" instead of "minutes"`). */
const PROMLINT_NON_BASE = [
  'minutes',
  'hours',
  'days',
  'weeks',
  'bits',
  'milliseconds',
  'microseconds',
  'kilobytes',
];

/** The problems `promtool check metrics` would report for a family name and type, as far as names go. */
function promlintProblems(name: string, type: 'counter' | 'gauge'): string[] {
  const problems: string[] = [];
  const tokens = name.split('_');
  if (type === 'counter' && !name.endsWith('_total')) problems.push('counter without _total');
  if (type !== 'counter' && name.endsWith('_total')) problems.push('non-counter with _total');
  for (const suffix of ['_count', '_sum', '_bucket']) {
    if (name.endsWith(suffix)) problems.push(`reserved suffix ${suffix}`);
  }
  if (/[a-z][A-Z]/.test(name)) problems.push('camelCase');
  if (name.includes(':')) problems.push('colon');
  for (const token of tokens) {
    if (PROMLINT_ABBREVIATIONS.includes(token)) problems.push(`abbreviated unit ${token}`);
    if (PROMLINT_TYPES.includes(token)) problems.push(`type ${token} in name`);
    if (PROMLINT_NON_BASE.includes(token)) problems.push(`non-base unit ${token}`);
  }
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) problems.push('invalid characters');
  return problems;
}

describe('metric catalog', () => {
  it('has unique, valid OpenTelemetry names with descriptions and units', () => {
    const names = METRIC_CATALOG.map((metric) => metric.name);
    expect(new Set(names).size).toBe(names.length);
    for (const metric of METRIC_CATALOG) {
      expect(metric.name, metric.name).toMatch(OTEL_NAME);
      expect(metric.description.length, metric.name).toBeGreaterThan(10);
      expect(metric.unit, metric.name).toMatch(UNIT);
      expect(['counter', 'updowncounter', 'gauge']).toContain(metric.instrument);
      expect(['int', 'double']).toContain(metric.valueType);
    }
    expect(METRIC_CATALOG.length).toBeGreaterThan(80);
  });

  it('puts every name without a semantic convention under sysray.*', () => {
    for (const metric of METRIC_CATALOG) {
      expect(metric.name.startsWith('sysray.'), metric.name).toBe(metric.origin === 'sysray');
    }
    for (const attribute of ATTRIBUTE_CATALOG) {
      expect(attribute.key.startsWith('sysray.'), attribute.key).toBe(attribute.origin === 'sysray');
    }
  });

  it('describes every attribute a metric carries, and every described attribute is used', () => {
    const keys = new Set(ATTRIBUTE_CATALOG.map((attribute) => attribute.key));
    expect(keys.size).toBe(ATTRIBUTE_CATALOG.length);
    const used = new Set<string>();
    for (const metric of METRIC_CATALOG) {
      expect(new Set(metric.attributes).size, `${metric.name} repeats an attribute`).toBe(
        metric.attributes.length,
      );
      for (const key of metric.attributes) {
        expect(keys.has(key), `${metric.name} uses undescribed ${key}`).toBe(true);
        used.add(key);
      }
    }
    expect([...keys].filter((key) => !used.has(key))).toEqual([]);
    for (const attribute of ATTRIBUTE_CATALOG) {
      expect(attribute.description.length, attribute.key).toBeGreaterThan(5);
      expect(attribute.examples.length, attribute.key).toBeGreaterThan(0);
    }
  });

  it('names the Snapshot section and kernel source of every metric', () => {
    const sections = new Set<string>([...SECTION_NAMES, 'collectors', 'exporters']);
    for (const metric of METRIC_CATALOG) {
      expect(sections.has(metric.source.section), metric.name).toBe(true);
      // Exporter counters are kept by the runtime, not read from Snapshot fields or kernel files.
      if (metric.source.section === 'exporters') continue;
      expect(metric.source.fields.length, metric.name).toBeGreaterThan(0);
      if (metric.source.section !== 'collectors')
        expect(metric.source.kernel.length, metric.name).toBeGreaterThan(0);
    }
    // Every section contributes metrics.
    expect(new Set(METRIC_CATALOG.map((metric) => metric.source.section))).toEqual(sections);
  });

  it('marks per-process and per-cgroup metrics and gives them their identity attributes', () => {
    for (const metric of METRIC_CATALOG) {
      if (metric.scope === 'process') {
        expect(['processes', 'gpu', 'netProcesses']).toContain(metric.source.section);
        expect(metric.attributes).toContain('process.pid');
        expect(metric.attributes).toContain('container.id');
      }
      if (metric.scope === 'container') {
        expect(metric.source.section).toBe('netProcesses');
        expect(metric.attributes).toContain('sysray.netns.inode');
        expect(metric.attributes).toContain('container.id');
      }
      if (metric.scope === 'cgroup') {
        expect(metric.source.section).toBe('cgroups');
        expect(metric.attributes).toContain('sysray.cgroup.path');
        expect(metric.attributes).toContain('container.runtime.name');
      }
    }
    expect(metricDefinition('process.cpu.time')?.scope).toBe('process');
    expect(metricDefinition('container.memory.usage')?.scope).toBe('cgroup');
    expect(metricDefinition('system.cpu.time')?.scope).toBe('host');
    expect(metricDefinition('sysray.collector.success')?.scope).toBe('agent');
    expect(metricDefinition('sysray.gpu.process.utilization')?.scope).toBe('process');
    expect(metricDefinition('container.network.io')?.scope).toBe('container');
  });

  it('keeps process.command_line opt-in and documented as such', () => {
    const commandLine = ATTRIBUTE_CATALOG.find((attribute) => attribute.key === 'process.command_line');
    expect(commandLine?.description).toMatch(/opt-in/i);
  });

  it('follows the semantic conventions for the metrics it takes from them', () => {
    const cpuTime = metricDefinition('system.cpu.time');
    expect(cpuTime).toMatchObject({
      instrument: 'counter',
      unit: 's',
      valueType: 'double',
      origin: 'semconv',
    });
    expect(cpuTime?.attributes).toEqual(['cpu.mode', 'cpu.logical_number']);
    expect(metricDefinition('system.memory.usage')).toMatchObject({
      instrument: 'updowncounter',
      unit: 'By',
    });
    expect(metricDefinition('system.disk.io')?.attributes).toEqual(['system.device', 'disk.io.direction']);
    expect(metricDefinition('system.network.io')?.attributes).toEqual([
      'network.interface.name',
      'network.io.direction',
    ]);
    expect(metricDefinition('system.process.count')?.attributes).toEqual(['process.state']);
    expect(metricDefinition('system.paging.faults')?.attributes).toEqual(['system.paging.fault.type']);
    expect(metricDefinition('process.unix.file_descriptor.count')).toMatchObject({
      instrument: 'updowncounter',
    });
    // Hardware conventions (semconv hardware/gpu, temperature, fan, common).
    expect(metricDefinition('hw.gpu.utilization')).toMatchObject({ instrument: 'gauge', unit: '1' });
    expect(metricDefinition('hw.gpu.memory.usage')).toMatchObject({
      instrument: 'updowncounter',
      unit: 'By',
    });
    expect(metricDefinition('hw.gpu.memory.limit')).toMatchObject({
      instrument: 'updowncounter',
      unit: 'By',
    });
    expect(metricDefinition('hw.errors')).toMatchObject({ instrument: 'counter', unit: '{error}' });
    expect(metricDefinition('hw.temperature')).toMatchObject({ instrument: 'gauge', unit: 'Cel' });
    expect(metricDefinition('hw.fan.speed')).toMatchObject({ instrument: 'gauge', unit: 'rpm' });
    expect(metricDefinition('hw.energy')).toMatchObject({ instrument: 'counter', unit: 'J' });
    expect(metricDefinition('hw.power')).toMatchObject({ instrument: 'gauge', unit: 'W' });
    expect(metricDefinition('container.network.io')).toMatchObject({ instrument: 'counter', unit: 'By' });
    for (const name of ['hw.errors', 'hw.energy', 'hw.power'])
      expect(metricDefinition(name)?.attributes).toContain('hw.type');
    // Deprecated names are not used.
    expect(metricDefinition('process.open_file_descriptor.count')).toBeUndefined();
    expect(metricDefinition('system.network.connections')).toBeUndefined();
  });

  it('has exactly one kind per OpenTelemetry name and Prometheus family', () => {
    const families = METRIC_CATALOG.map((metric) => metric.prometheus.name);
    expect(new Set(families).size).toBe(families.length);
  });
});

describe('Prometheus names', () => {
  it('derives names as the OpenTelemetry Prometheus compatibility rules say', () => {
    expect(prometheusMapping('system.cpu.time', 's', 'counter')).toEqual({
      name: 'system_cpu_time_seconds_total',
      type: 'counter',
      unit: 'seconds',
    });
    expect(prometheusMapping('system.memory.usage', 'By', 'updowncounter').name).toBe(
      'system_memory_usage_bytes',
    );
    expect(prometheusMapping('system.cpu.utilization', '1', 'gauge').name).toBe(
      'system_cpu_utilization_ratio',
    );
    expect(prometheusMapping('system.cpu.frequency', 'Hz', 'gauge').name).toBe('system_cpu_frequency_hertz');
    expect(prometheusMapping('system.network.packet.count', '{packet}', 'counter').name).toBe(
      'system_network_packet_count_total',
    );
    expect(prometheusMapping('sysray.pressure.stall.average', '%', 'gauge').name).toBe(
      'sysray_pressure_stall_average_percent',
    );
    expect(prometheusMapping('hw.temperature', 'Cel', 'gauge').name).toBe('hw_temperature_celsius');
    expect(prometheusMapping('hw.power', 'W', 'gauge').name).toBe('hw_power_watts');
    expect(prometheusMapping('hw.energy', 'J', 'counter').name).toBe('hw_energy_joules_total');
    expect(prometheusMapping('hw.fan.speed', 'rpm', 'gauge').name).toBe('hw_fan_speed_rpm');
    // The unit is not appended twice.
    expect(prometheusMapping('x.duration_seconds', 's', 'gauge').name).toBe('x_duration_seconds');
    // `1` on an UpDownCounter is a count, not a ratio.
    expect(prometheusUnitWord('1', 'updowncounter')).toBe('');
    expect(sanitizePrometheusName('a.b-c__d/e')).toBe('a_b_c_d_e');
  });

  it('rejects overrides that drop the unit or _total, and unknown units', () => {
    expect(() => prometheusMapping('x.time', 's', 'counter', 'x_time_total')).toThrow(/_seconds/);
    expect(() => prometheusMapping('x.events', '{event}', 'counter', 'x_events')).toThrow(/_total/);
    expect(() => prometheusMapping('x.size', 'KiBy', 'gauge')).toThrow(/KiBy/);
    expect(prometheusMapping('x.flag', '1', 'gauge', 'x_flag')).toEqual({
      name: 'x_flag',
      type: 'gauge',
      unit: '',
    });
  });

  it('gives every catalog metric a family name promtool accepts', () => {
    for (const metric of METRIC_CATALOG) {
      expect(
        promlintProblems(metric.prometheus.name, metric.prometheus.type),
        metric.prometheus.name,
      ).toEqual([]);
      expect(metric.prometheus.type).toBe(metric.instrument === 'counter' ? 'counter' : 'gauge');
      if (metric.prometheus.unit !== '')
        expect(metric.prometheus.name).toContain(`_${metric.prometheus.unit}`);
    }
    expect(metricDefinition('system.process.count')?.prometheus.name).toBe('system_processes');
    expect(metricDefinition('sysray.collector.success')?.prometheus.name).toBe('sysray_collector_success');
    // The lint mirror itself catches what promtool catches.
    expect(promlintProblems('system_process_count', 'gauge')).toContain('reserved suffix _count');
    expect(promlintProblems('x_latency_ms', 'gauge')).toContain('abbreviated unit ms');
  });

  it('maps attribute keys to distinct label names within each metric', () => {
    for (const metric of METRIC_CATALOG) {
      const labels = metric.attributes.map((key) => sanitizePrometheusName(key));
      expect(new Set(labels).size, metric.name).toBe(labels.length);
      for (const label of labels) expect(label).not.toMatch(/^__/);
    }
  });
});

describe('docs/metrics.md', () => {
  it('is the catalog rendered and formatted (regenerate with proto/scripts/gen-metrics-doc.js)', async () => {
    const path = fileURLToPath(new URL('../../docs/metrics.md', import.meta.url));
    const config = (await prettier.resolveConfig(path)) ?? {};
    const expected = await prettier.format(renderMetricsMarkdown(), { ...config, filepath: path });
    expect(readFileSync(path, 'utf8')).toBe(expected);
  });

  it('documents every metric and attribute with its Prometheus name', () => {
    const markdown = renderMetricsMarkdown();
    for (const metric of METRIC_CATALOG) {
      expect(markdown).toContain(`### \`${metric.name}\``);
      expect(markdown).toContain(`\`${metric.prometheus.name}\``);
    }
    for (const attribute of ATTRIBUTE_CATALOG) expect(markdown).toContain(`| \`${attribute.key}\``);
  });
});
