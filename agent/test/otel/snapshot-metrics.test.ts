import {
  ATTRIBUTE_CATALOG,
  SNAPSHOT_METRIC_CATALOG,
  metricDefinition,
  type MetricName,
  type Snapshot,
} from '@sysray/proto';
import { describe, expect, it } from 'vitest';
import { snapshotMetrics, type Observation } from '../../src/otel/snapshot-metrics.js';
import {
  SAMPLE_IDS,
  SAMPLE_TIME_MS,
  failedSection,
  sampleSections,
  sampleSnapshot,
  unsupportedSection,
} from './sample-snapshot.js';

function find(
  observations: readonly Observation[],
  name: MetricName,
  attributes: Record<string, string | number> = {},
): Observation[] {
  return observations.filter(
    (o) => o.name === name && Object.entries(attributes).every(([key, value]) => o.attributes[key] === value),
  );
}

function value(
  observations: readonly Observation[],
  name: MetricName,
  attributes: Record<string, string | number> = {},
) {
  const found = find(observations, name, attributes);
  expect(found, `${name} ${JSON.stringify(attributes)}`).toHaveLength(1);
  return found[0]?.value;
}

const METRIC_SECTION = new Map(SNAPSHOT_METRIC_CATALOG.map((metric) => [metric.name, metric.source.section]));

describe('snapshotMetrics: the catalog contract', () => {
  const { observations, errors } = snapshotMetrics(sampleSnapshot(), { includeCommandLine: true });

  it('emits every catalog metric for a full Snapshot, and nothing outside the catalog', () => {
    expect(errors).toEqual([]);
    const emitted = new Set(observations.map((o) => o.name));
    expect([...emitted].sort()).toEqual(SNAPSHOT_METRIC_CATALOG.map((metric) => metric.name).sort());
  });

  it('sets only the attributes the catalog lists, with the values it lists', () => {
    const allowed = new Map(ATTRIBUTE_CATALOG.map((attribute) => [attribute.key, attribute]));
    for (const observation of observations) {
      const definition = metricDefinition(observation.name);
      for (const [key, attributeValue] of Object.entries(observation.attributes)) {
        expect(definition?.attributes, `${observation.name} carries ${key}`).toContain(key);
        const values = allowed.get(key)?.values;
        if (values !== undefined) expect(values, `${key}=${attributeValue}`).toContain(attributeValue);
        expect(typeof attributeValue).toBe(allowed.get(key)?.type === 'int' ? 'number' : 'string');
      }
    }
  });

  it('gives integer metrics whole numbers and never emits negative or non-finite values', () => {
    for (const observation of observations) {
      expect(Number.isFinite(observation.value)).toBe(true);
      expect(observation.value, observation.name).toBeGreaterThanOrEqual(0);
      if (metricDefinition(observation.name)?.valueType === 'int') {
        expect(Number.isInteger(observation.value), `${observation.name}=${observation.value}`).toBe(true);
      }
    }
  });

  it('emits each series once', () => {
    const keys = observations.map((o) => `${o.name} ${JSON.stringify(Object.entries(o.attributes).sort())}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('snapshotMetrics: values', () => {
  const { observations } = snapshotMetrics(sampleSnapshot());

  it('maps CPU time per CPU and mode, irq as interrupt, guest not double counted', () => {
    expect(value(observations, 'system.cpu.time', { 'cpu.mode': 'user', 'cpu.logical_number': 0 })).toBe(
      1200.5,
    );
    expect(
      value(observations, 'system.cpu.time', { 'cpu.mode': 'iowait', 'cpu.logical_number': 4 }),
    ).toBeCloseTo(55.5 * 1.4);
    expect(value(observations, 'system.cpu.time', { 'cpu.mode': 'interrupt', 'cpu.logical_number': 1 })).toBe(
      0,
    );
    expect(find(observations, 'system.cpu.time', { 'cpu.mode': 'guest' })).toEqual([]);
    expect(find(observations, 'system.cpu.time')).toHaveLength(8 * 8);
    expect(value(observations, 'system.cpu.utilization', { 'cpu.mode': 'user' })).toBe(0.25);
    expect(value(observations, 'system.cpu.frequency', { 'cpu.logical_number': 7 })).toBe(2_907_000_000);
    expect(value(observations, 'system.cpu.logical.count')).toBe(8);
    expect(value(observations, 'sysray.system.load_average', { 'sysray.load.window': '5m' })).toBe(1.75);
    expect(value(observations, 'sysray.system.interrupts', { 'sysray.interrupt.type': 'soft' })).toBe(
      45_678_901,
    );
    expect(value(observations, 'system.process.created')).toBe(345_678);
    expect(value(observations, 'system.cpu.physical.count')).toBe(4);
    expect(value(observations, 'system.uptime')).toBe(86_400.25);
  });

  it('falls back to machine-wide CPU time without per-CPU lines', () => {
    const sections = sampleSections();
    if (sections.cpu.status !== 'ok') throw new Error('sample cpu section is ok');
    const cpu = { ...sections.cpu, data: { ...sections.cpu.data, cores: [], utilization: null } };
    const { observations: fallback } = snapshotMetrics(sampleSnapshot({ cpu }));
    const times = find(fallback, 'system.cpu.time');
    expect(times).toHaveLength(8);
    expect(times.every((o) => !('cpu.logical_number' in o.attributes))).toBe(true);
    expect(value(fallback, 'system.cpu.time', { 'cpu.mode': 'user' })).toBe(1200.5 * 8);
    // First sample: no utilization rather than zeros.
    expect(find(fallback, 'system.cpu.utilization')).toEqual([]);
  });

  it('reports memory as used + available (summing to the limit) and paging by type', () => {
    const GiB = 1024 ** 3;
    const used = value(observations, 'system.memory.usage', { 'system.memory.state': 'used' });
    const available = value(observations, 'system.memory.usage', { 'system.memory.state': 'available' });
    expect(used).toBe(6 * GiB);
    expect((used ?? 0) + (available ?? 0)).toBe(value(observations, 'system.memory.limit'));
    expect(find(observations, 'system.memory.usage', { 'system.memory.state': 'cached' })).toEqual([]);
    expect(value(observations, 'sysray.memory.linux.usage', { 'sysray.memory.linux.state': 'cached' })).toBe(
      5 * GiB,
    );
    expect(value(observations, 'system.memory.utilization', { 'system.memory.state': 'available' })).toBe(
      0.625,
    );
    expect(value(observations, 'system.paging.faults', { 'system.paging.fault.type': 'minor' })).toBe(
      5_000_000 - 12_345,
    );
    expect(
      value(observations, 'system.paging.operations', {
        'system.paging.direction': 'out',
        'system.paging.fault.type': 'major',
      }),
    ).toBe(4_096);
    expect(value(observations, 'system.paging.utilization', { 'system.paging.state': 'used' })).toBe(0.25);
    expect(
      value(observations, 'system.memory.linux.hugepages.usage', {
        'system.memory.linux.hugepages.state': 'used',
      }),
    ).toBe(48);
    expect(value(observations, 'sysray.memory.oom_kills')).toBe(1);
  });

  it('leaves swap utilization out on a host without swap', () => {
    const sections = sampleSections();
    if (sections.memory.status !== 'ok') throw new Error('sample memory section is ok');
    const memory = {
      ...sections.memory,
      data: { ...sections.memory.data, swap: { totalBytes: 0, freeBytes: 0, usedBytes: 0, cachedBytes: 0 } },
    };
    const { observations: noSwap } = snapshotMetrics(sampleSnapshot({ memory }));
    expect(find(noSwap, 'system.paging.utilization')).toEqual([]);
    expect(value(noSwap, 'system.paging.usage', { 'system.paging.state': 'used' })).toBe(0);
  });

  it('maps disks by kernel name and direction', () => {
    const read = { 'system.device': 'nvme0n1', 'disk.io.direction': 'read' };
    expect(value(observations, 'system.disk.io', read)).toBe(25_769_803_776);
    expect(value(observations, 'system.disk.operation_time', { ...read, 'disk.io.direction': 'write' })).toBe(
      1234.5,
    );
    expect(value(observations, 'system.disk.io_time', { 'system.device': 'sda' })).toBe(987.25);
    expect(value(observations, 'system.disk.limit', { 'system.device': 'sda' })).toBe(4_000_787_030_016);
    expect(value(observations, 'sysray.disk.flush.operations', { 'system.device': 'nvme0n1' })).toBe(45_678);
  });

  it('leaves discard and flush series out on kernels without those fields', () => {
    const sections = sampleSections();
    if (sections.disks.status !== 'ok') throw new Error('sample disks section is ok');
    const old = sections.disks.data.devices.map((device) => ({
      ...device,
      counters: {
        ...device.counters,
        discardsCompleted: null,
        discardsMerged: null,
        discardBytes: null,
        discardTimeSeconds: null,
        flushesCompleted: null,
        flushTimeSeconds: null,
      },
    }));
    const disks = { ...sections.disks, data: { devices: old } };
    const { observations: legacy } = snapshotMetrics(sampleSnapshot({ disks }));
    expect(find(legacy, 'sysray.disk.discard.operations')).toEqual([]);
    expect(find(legacy, 'sysray.disk.flush.operations')).toEqual([]);
    expect(find(legacy, 'system.disk.io')).toHaveLength(4);
  });

  it('splits filesystem space into used, free and reserved that sum to the limit', () => {
    const root = { 'system.filesystem.mountpoint': '/' };
    const GiB = 1024 ** 3;
    const used = value(observations, 'system.filesystem.usage', {
      ...root,
      'system.filesystem.state': 'used',
    });
    const free = value(observations, 'system.filesystem.usage', {
      ...root,
      'system.filesystem.state': 'free',
    });
    const reserved = value(observations, 'system.filesystem.usage', {
      ...root,
      'system.filesystem.state': 'reserved',
    });
    expect([used, free, reserved]).toEqual([60 * GiB, 35 * GiB, 5 * GiB]);
    expect(value(observations, 'system.filesystem.limit', root)).toBe(100 * GiB);
    const efi = find(observations, 'system.filesystem.limit', {
      'system.filesystem.mountpoint': '/boot/efi',
    });
    expect(efi[0]?.attributes).toMatchObject({
      'system.filesystem.mode': 'ro',
      'system.device': '/dev/nvme0n1p1',
    });
    // vfat reports no inodes: no inode series rather than zeros.
    expect(
      find(observations, 'sysray.filesystem.inodes.usage', { 'system.filesystem.mountpoint': '/boot/efi' }),
    ).toEqual([]);
    expect(
      value(observations, 'sysray.filesystem.failed', { 'system.filesystem.mountpoint': '/mnt/nfs' }),
    ).toBe(1);
  });

  it('counts sockets in registry state names, request sockets with syn_received', () => {
    const v4 = { 'network.transport': 'tcp', 'network.type': 'ipv4' };
    expect(
      value(observations, 'system.network.connection.count', {
        ...v4,
        'network.connection.state': 'syn_received',
      }),
    ).toBe(3);
    expect(
      value(observations, 'system.network.connection.count', {
        ...v4,
        'network.connection.state': 'fin_wait_2',
      }),
    ).toBe(1);
    expect(
      value(observations, 'system.network.connection.count', {
        'network.transport': 'tcp',
        'network.type': 'ipv6',
        'network.connection.state': 'established',
      }),
    ).toBe(84);
    expect(find(observations, 'system.network.connection.count', v4)).toHaveLength(11);
    expect(
      value(observations, 'system.network.connection.count', {
        'network.transport': 'udp',
        'network.type': 'ipv6',
      }),
    ).toBe(4);
    expect(
      value(observations, 'system.network.io', {
        'network.interface.name': 'eth0',
        'network.io.direction': 'receive',
      }),
    ).toBe(98_765_432_100);
    expect(value(observations, 'sysray.network.tcp.retransmits')).toBe(45_000);
    expect(
      value(observations, 'sysray.network.udp.buffer_errors', { 'network.io.direction': 'transmit' }),
    ).toBe(2);
  });

  it('labels processes with identity and container attribution, command line only on request', () => {
    const java = find(observations, 'process.memory.usage', { 'process.pid': 5150 });
    expect(java).toHaveLength(1);
    expect(java[0]?.attributes).toEqual({
      'process.pid': 5150,
      'process.executable.name': 'java',
      'process.owner': 'app',
      'container.id': SAMPLE_IDS.DOCKER_ID,
      'container.runtime.name': 'docker',
    });
    expect(observations.some((o) => 'process.command_line' in o.attributes)).toBe(false);
    const nginx = find(observations, 'process.thread.count', { 'process.pid': 5230 });
    expect(nginx[0]?.attributes).toMatchObject({
      'container.runtime.name': 'cri-o',
      'k8s.pod.uid': SAMPLE_IDS.POD_UID,
    });

    const withCommand = snapshotMetrics(sampleSnapshot(), { includeCommandLine: true }).observations;
    expect(
      find(withCommand, 'process.memory.usage', { 'process.pid': 5150 })[0]?.attributes[
        'process.command_line'
      ],
    ).toBe('java -Xmx2g -jar /app/service.jar --password=hunter2');
  });

  it('maps per-process values and leaves unreadable fields out', () => {
    expect(value(observations, 'process.cpu.time', { 'process.pid': 5150, 'cpu.mode': 'user' })).toBe(
      3605.25,
    );
    expect(value(observations, 'process.cpu.utilization', { 'process.pid': 5150 })).toBe(0.25);
    expect(value(observations, 'process.uptime', { 'process.pid': 5150 })).toBe(
      SAMPLE_TIME_MS / 1000 - 1_763_703_600,
    );
    expect(
      value(observations, 'process.disk.io', { 'process.pid': 5150, 'disk.io.direction': 'write' }),
    ).toBe(10_485_760);
    // containerd: io, fds, swap unreadable and first sight.
    for (const name of [
      'process.disk.io',
      'process.unix.file_descriptor.count',
      'process.cpu.utilization',
      'sysray.process.memory.swap',
    ] as const) {
      expect(find(observations, name, { 'process.pid': 812 }), name).toEqual([]);
    }
    expect(value(observations, 'process.memory.usage', { 'process.pid': 812 })).toBe(64 * 1024 ** 2);
    expect(value(observations, 'system.process.count', { 'process.state': 'defunct' })).toBe(2);
    expect(value(observations, 'sysray.system.thread.count')).toBe(1_480);
  });

  it('maps cgroups with their path and attribution', () => {
    const docker = { 'sysray.cgroup.kind': 'container', 'container.id': SAMPLE_IDS.DOCKER_ID };
    expect(value(observations, 'container.cpu.time', { ...docker, 'cpu.mode': 'system' })).toBe(120.5);
    expect(value(observations, 'container.cpu.usage', docker)).toBe(1.75);
    expect(value(observations, 'sysray.cgroup.cpu.throttled_time', docker)).toBe(42.125);
    expect(value(observations, 'sysray.cgroup.memory.limit', docker)).toBe(2 * 1024 ** 3);
    expect(
      value(observations, 'sysray.cgroup.memory.events', {
        ...docker,
        'sysray.cgroup.memory.event': 'oom_kill',
      }),
    ).toBe(1);
    expect(
      value(observations, 'container.disk.io', {
        ...docker,
        'system.device': '259:0',
        'disk.io.direction': 'read',
      }),
    ).toBe(52_428_800);
    expect(value(observations, 'sysray.cgroup.pids.limit', docker)).toBe(4096);
    expect(
      value(observations, 'sysray.cgroup.pressure.stall.average', {
        ...docker,
        'sysray.pressure.resource': 'cpu',
        'sysray.pressure.kind': 'some',
        'sysray.pressure.window': '10s',
      }),
    ).toBe(4.5);

    const pod = find(observations, 'container.memory.usage', { 'sysray.cgroup.kind': 'pod' });
    expect(pod).toHaveLength(1);
    expect(pod[0]?.attributes['k8s.pod.uid']).toBe(SAMPLE_IDS.POD_UID);
    expect('container.id' in (pod[0]?.attributes ?? {})).toBe(false);
    // Limits of `max` and a first-sight usage are absent, not zero.
    expect(find(observations, 'sysray.cgroup.memory.limit', { 'sysray.cgroup.kind': 'pod' })).toEqual([]);
    expect(find(observations, 'container.cpu.usage', { 'sysray.cgroup.name': 'containerd.service' })).toEqual(
      [],
    );
  });

  it('maps pressure per resource, kind and window, without a missing full line', () => {
    const memorySome = { 'sysray.pressure.resource': 'memory', 'sysray.pressure.kind': 'some' };
    expect(
      value(observations, 'sysray.pressure.stall.average', {
        ...memorySome,
        'sysray.pressure.window': '300s',
      }),
    ).toBe(0.75 / 4);
    expect(value(observations, 'sysray.pressure.stall.time', memorySome)).toBe(56.5);
    expect(
      find(observations, 'sysray.pressure.stall.time', { 'sysray.pressure.resource': 'irq' }),
    ).toHaveLength(1);
    expect(
      find(observations, 'sysray.pressure.stall.average', {
        'sysray.pressure.kind': 'full',
        'sysray.pressure.resource': 'irq',
      }),
    ).toEqual([]);
  });
});

describe('snapshotMetrics: sections that are not ok', () => {
  function metricsOfSection(observations: readonly Observation[], section: string): Observation[] {
    return observations.filter((o) => METRIC_SECTION.get(o.name) === section);
  }

  it('emits nothing for a failed section and reports its collector as failed', () => {
    const { observations } = snapshotMetrics(sampleSnapshot({ memory: failedSection('memory') }));
    expect(metricsOfSection(observations, 'memory')).toEqual([]);
    expect(value(observations, 'sysray.collector.success', { 'sysray.collector': 'memory' })).toBe(0);
    expect(value(observations, 'sysray.collector.duration', { 'sysray.collector': 'memory' })).toBe(2);
    expect(value(observations, 'sysray.collector.success', { 'sysray.collector': 'cpu' })).toBe(1);
    expect(metricsOfSection(observations, 'cpu').length).toBeGreaterThan(0);
  });

  it('emits nothing for an unsupported section, which still counts as a success', () => {
    const { observations } = snapshotMetrics(
      sampleSnapshot({
        pressure: unsupportedSection('/proc/pressure not present (Linux < 4.20 or CONFIG_PSI=n)'),
      }),
    );
    expect(metricsOfSection(observations, 'pressure')).toEqual([]);
    expect(value(observations, 'sysray.collector.success', { 'sysray.collector': 'pressure' })).toBe(1);
  });

  it('reports a section whose data trips the mapping and keeps the others', () => {
    const sections = sampleSections();
    if (sections.disks.status !== 'ok') throw new Error('sample disks section is ok');
    const broken = {
      ...sections.disks,
      data: { devices: [...sections.disks.data.devices, null] },
    } as unknown as Snapshot['sections']['disks'];
    const { observations, errors } = snapshotMetrics(sampleSnapshot({ disks: broken }));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/disks section/);
    // Nothing half-mapped from the failing section; the rest intact.
    expect(metricsOfSection(observations, 'disks')).toEqual([]);
    expect(metricsOfSection(observations, 'network').length).toBeGreaterThan(0);
    expect(value(observations, 'sysray.collector.success', { 'sysray.collector': 'disks' })).toBe(1);
  });
});
