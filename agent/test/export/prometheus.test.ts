import { spawnSync } from 'node:child_process';
import { SNAPSHOT_METRIC_CATALOG, type Snapshot } from '@sysray/proto';
import { describe, expect, it } from 'vitest';
import {
  PROMETHEUS_CONTENT_TYPE,
  PrometheusExposition,
  snapshotToPrometheus,
} from '../../src/export/prometheus.js';
import { buildResource } from '../../src/otel/resource.js';
import {
  SAMPLE_IDS,
  SAMPLE_PROCESSES,
  failedSection,
  sampleSections,
  sampleSnapshot,
} from '../otel/sample-snapshot.js';

const hasPromtool = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasPromtool) {
  console.warn(
    'promtool not found on PATH: skipping `promtool check metrics` (apt-get install prometheus provides it)',
  );
}

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The samples of a text exposition; label values unescaped. */
function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`unparsable sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[label[1] ?? ''] = (label[2] ?? '').replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

function sample(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): Sample {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  );
  expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return found[0] as Sample;
}

/** `# TYPE` lines: family name → type. */
function families(text: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(match[1] ?? '', match[2] ?? '');
  return types;
}

function promtool(text: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const options = { serviceVersion: '0.1.0', env: {} };

function exposition(source: () => Snapshot | undefined): PrometheusExposition {
  return new PrometheusExposition({
    source,
    resource: buildResource(source(), { serviceVersion: '0.1.0', env: {} }),
  });
}

describe('Prometheus exposition', () => {
  it('exposes every catalog metric under its catalog family and type, plus target_info', async () => {
    const text = await snapshotToPrometheus(sampleSnapshot(), options);
    const types = families(text);
    const expected = new Map<string, string>([['target_info', 'gauge']]);
    for (const metric of SNAPSHOT_METRIC_CATALOG)
      expected.set(metric.prometheus.name, metric.prometheus.type);
    expect(new Map([...types].sort())).toEqual(new Map([...expected].sort()));
    // Units as suffixes, `_total` on counters, and HELP from the catalog.
    expect(text).toContain('# TYPE system_cpu_time_seconds_total counter');
    expect(text).toContain('# TYPE system_memory_usage_bytes gauge');
    expect(text).toContain(
      '# HELP system_network_io_bytes_total Bytes received and transmitted on each interface since boot.',
    );
    expect(text).toContain('# UNIT system_disk_io_time_seconds_total seconds');
  });

  it('carries values and labels from the Snapshot', async () => {
    const samples = parseSamples(await snapshotToPrometheus(sampleSnapshot(), options));
    expect(
      sample(samples, 'system_cpu_time_seconds_total', { cpu_mode: 'user', cpu_logical_number: '0' }).value,
    ).toBe(1200.5);
    expect(sample(samples, 'system_memory_usage_bytes', { system_memory_state: 'used' }).value).toBe(
      6_442_450_944,
    );
    expect(sample(samples, 'system_memory_utilization_ratio', { system_memory_state: 'used' }).value).toBe(
      0.375,
    );
    expect(
      sample(samples, 'system_network_io_bytes_total', {
        network_interface_name: 'eth0',
        network_io_direction: 'receive',
      }).value,
    ).toBe(98_765_432_100);
    expect(sample(samples, 'system_processes', { process_state: 'running' }).value).toBe(3);
    expect(sample(samples, 'system_cpu_logical_cpus').value).toBe(8);
    expect(
      sample(samples, 'sysray_pressure_stall_average_percent', {
        sysray_pressure_resource: 'io',
        sysray_pressure_kind: 'some',
        sysray_pressure_window: '10s',
      }).value,
    ).toBe(3.25);
    expect(
      sample(samples, 'sysray_pressure_stall_time_seconds_total', {
        sysray_pressure_resource: 'cpu',
        sysray_pressure_kind: 'full',
      }).value,
    ).toBe(123.45);
    const java = sample(samples, 'process_cpu_time_seconds_total', { process_pid: '5150', cpu_mode: 'user' });
    expect(java.value).toBe(3605.25);
    expect(java.labels).toEqual({
      process_pid: '5150',
      process_executable_name: 'java',
      process_owner: 'app',
      container_id: SAMPLE_IDS.DOCKER_ID,
      container_runtime_name: 'docker',
      cpu_mode: 'user',
    });
    expect(sample(samples, 'process_threads', { process_pid: '5230' }).labels.k8s_pod_uid).toBe(
      SAMPLE_IDS.POD_UID,
    );
    expect(sample(samples, 'container_memory_usage_bytes', { sysray_cgroup_kind: 'container' }).value).toBe(
      1800 * 1024 ** 2,
    );
    expect(
      sample(samples, 'sysray_cgroup_cpu_throttled_periods_total', { container_runtime_name: 'docker' })
        .value,
    ).toBe(1_250);
    expect(sample(samples, 'sysray_collector_success', { sysray_collector: 'cgroups' }).value).toBe(1);
    expect(sample(samples, 'sysray_collector_duration_seconds', { sysray_collector: 'cpu' }).value).toBe(
      0.012,
    );
    // One scope: no otel_scope_name label by default.
    expect(samples.some((s) => 'otel_scope_name' in s.labels)).toBe(false);
  });

  it('describes the host in target_info', async () => {
    const info = sample(parseSamples(await snapshotToPrometheus(sampleSnapshot(), options)), 'target_info');
    expect(info.value).toBe(1);
    expect(info.labels).toMatchObject({
      host_name: 'k8s-node-1',
      host_id: '4c4c4544004b3510804bb2c04f503232',
      os_type: 'linux',
      os_description: 'Ubuntu 24.04.1 LTS (Linux 6.8.0-45-generic)',
      service_name: 'sysray-agent',
      service_version: '0.1.0',
      service_instance_id: '4c4c4544004b3510804bb2c04f503232',
    });
    const renamed = sample(
      parseSamples(
        await snapshotToPrometheus(sampleSnapshot(), {
          serviceVersion: '0.1.0',
          env: {
            OTEL_SERVICE_NAME: 'node-agent',
            K8S_NODE_NAME: 'k8s-node-1',
            K8S_POD_NAME: 'sysray-agent-x7k2p',
          },
        }),
      ),
      'target_info',
    );
    expect(renamed.labels).toMatchObject({
      service_name: 'node-agent',
      k8s_node_name: 'k8s-node-1',
      k8s_pod_name: 'sysray-agent-x7k2p',
    });
  });

  it('adds command lines only when enabled, escaped for the text format', async () => {
    const sections = sampleSections();
    if (sections.processes.status !== 'ok') throw new Error('sample processes section is ok');
    const quoted = {
      ...SAMPLE_PROCESSES[2],
      pid: 4242,
      command: 'sh -c "echo C:\\temp"',
    } as (typeof SAMPLE_PROCESSES)[number];
    const snapshot = sampleSnapshot({
      processes: { ...sections.processes, data: { ...sections.processes.data, top: [quoted] } },
    });
    const without = await snapshotToPrometheus(snapshot, options);
    expect(without).not.toContain('process_command_line');
    const text = await snapshotToPrometheus(snapshot, { ...options, includeCommandLine: true });
    expect(text).toContain('process_command_line="sh -c \\"echo C:\\\\temp\\""');
    expect(
      sample(parseSamples(text), 'process_memory_usage_bytes', { process_pid: '4242' }).labels
        .process_command_line,
    ).toBe('sh -c "echo C:\\temp"');
  });

  it('emits no series for a failed section and reports its collector as failed', async () => {
    const text = await snapshotToPrometheus(sampleSnapshot({ memory: failedSection('memory') }), options);
    const samples = parseSamples(text);
    expect(
      samples.filter((s) => s.name.startsWith('system_memory_') || s.name.startsWith('system_paging_')),
    ).toEqual([]);
    expect(text).not.toContain('# TYPE system_memory_usage_bytes');
    expect(sample(samples, 'sysray_collector_success', { sysray_collector: 'memory' }).value).toBe(0);
    expect(sample(samples, 'sysray_collector_duration_seconds', { sysray_collector: 'memory' }).value).toBe(
      2,
    );
    expect(sample(samples, 'sysray_collector_success', { sysray_collector: 'disks' }).value).toBe(1);
    expect(samples.filter((s) => s.name === 'system_disk_io_bytes_total')).toHaveLength(4);
  });

  it('drops series between scrapes when a section starts failing or a process leaves the top list', async () => {
    let current = sampleSnapshot();
    const scraper = exposition(() => current);
    const first = parseSamples(await scraper.text());
    expect(first.filter((s) => s.name === 'system_memory_usage_bytes')).toHaveLength(2);
    expect(first.filter((s) => s.name === 'process_memory_usage_bytes')).toHaveLength(3);

    const sections = sampleSections();
    if (sections.processes.status !== 'ok') throw new Error('sample processes section is ok');
    current = sampleSnapshot({
      memory: failedSection('memory'),
      processes: {
        ...sections.processes,
        data: { ...sections.processes.data, top: SAMPLE_PROCESSES.slice(1, 2) },
      },
    });
    const second = parseSamples(await scraper.text());
    expect(second.filter((s) => s.name === 'system_memory_usage_bytes')).toEqual([]);
    expect(
      second.filter((s) => s.name === 'process_memory_usage_bytes').map((s) => s.labels.process_pid),
    ).toEqual(['5230']);
    expect(sample(second, 'sysray_collector_success', { sysray_collector: 'memory' }).value).toBe(0);
  });

  it('exposes only target_info before the first Snapshot', async () => {
    const text = await exposition(() => undefined).text();
    expect(parseSamples(text).map((s) => s.name)).toEqual(['target_info']);
  });

  it('serves the text exposition format content type', () => {
    expect(PROMETHEUS_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8');
  });
});

describe('promtool check metrics', () => {
  it.skipIf(!hasPromtool)('accepts the full exposition, command lines included', async () => {
    const result = promtool(
      await snapshotToPrometheus(sampleSnapshot(), { ...options, includeCommandLine: true }),
    );
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it.skipIf(!hasPromtool)(
    'accepts the exposition with failed sections and before the first Snapshot',
    async () => {
      const failed = await snapshotToPrometheus(
        sampleSnapshot({ memory: failedSection('memory'), cgroups: failedSection('cgroups') }),
        options,
      );
      expect(promtool(failed)).toEqual({ status: 0, output: '' });
      expect(promtool(await exposition(() => undefined).text())).toEqual({ status: 0, output: '' });
    },
  );

  it.skipIf(!hasPromtool)('rejects what it should (the check is live)', () => {
    const bad = '# HELP system_process_count x\n# TYPE system_process_count gauge\nsystem_process_count 3\n';
    const result = promtool(bad);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('_count');
  });
});
