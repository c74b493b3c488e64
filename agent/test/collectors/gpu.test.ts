import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GpuData } from '@sysray/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { runTool, type RunTool } from '../../src/collectors/gpu-exec.js';
import { createGpuCollector } from '../../src/collectors/gpu.js';
import type { CollectContext, CollectOutcome } from '../../src/collectors/types.js';
import { snapshotMetrics } from '../../src/otel/snapshot-metrics.js';
import { createFallbackGpuCollector } from '../../src/platform/fallback/linux-only.js';
import { ManualClock } from '../../src/platform/clock.js';
import { resolveHostRoots } from '../../src/platform/host-roots.js';
import { SAMPLE_IDS, sampleSnapshot } from '../otel/sample-snapshot.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const STAND_IN = path.join(FIXTURES, 'bin', 'nvidia-smi');

function contextFor(rootfs: string, clock = new ManualClock()): CollectContext & { clock: ManualClock } {
  return { roots: resolveHostRoots({ rootfs }, {}), clock, signal: new AbortController().signal };
}

function dataOf(outcome: CollectOutcome<GpuData>): GpuData {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got ${outcome.reason}`);
  return outcome.data;
}

const standIn =
  (scenario: string): RunTool =>
  async (file, args, options) => {
    process.env.SYSRAY_FAKE_NVIDIA_SMI = scenario;
    try {
      return await runTool(file, args, options);
    } finally {
      delete process.env.SYSRAY_FAKE_NVIDIA_SMI;
    }
  };

describe('gpu collector on fixture trees', () => {
  let tmp: string | undefined;
  afterEach(() => {
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
    tmp = undefined;
  });
  const copyTree = (variant: string): string => {
    tmp = mkdtempSync(path.join(tmpdir(), 'sysray-gpu-'));
    const root = path.join(tmp, variant);
    cpSync(path.join(FIXTURES, variant), root, { recursive: true, verbatimSymlinks: true });
    return root;
  };

  it('gpu-amd: the amdgpu card and its processes, named and attributed, NVIDIA left out with its reason', async () => {
    const collector = createGpuCollector({ nvidia: { command: 'sysray-no-such-nvidia-smi' } });
    const data = dataOf(await collector.collect(contextFor(path.join(FIXTURES, 'gpu-amd'))));
    expect(data.devices.map((d) => [d.id, d.vendor, d.utilization, d.memoryUsedBytes])).toEqual([
      ['0000:03:00.0', 'amd', 0.37, 8_589_934_592],
    ]);
    expect(data.unavailable).toEqual({
      nvidia: 'sysray-no-such-nvidia-smi not found on PATH (no NVIDIA driver user space installed)',
    });
    // Largest memory first while no utilization is known; the ast client has no GPU of ours.
    expect(data.processes.map((p) => [p.pid, p.name, p.deviceId, p.memoryBytes])).toEqual([
      [3100, 'python3', '0000:03:00.0', 6 * 1024 ** 3 + 8 * 1024 * 1024],
      [3300, 'Xorg', '0000:03:00.0', 256 * 1024 * 1024 + 32 * 1024 * 1024],
    ]);
    expect(data.processes[0]?.container?.systemdUnit).toBe('session-3.scope');
  });

  it('gpu-intel with the stand-in nvidia-smi: NVIDIA, i915 and xe side by side; Intel busy from fdinfo', async () => {
    const root = copyTree('gpu-intel');
    const context = contextFor(root);
    const collector = createGpuCollector({ nvidia: { command: STAND_IN, runTool: standIn('normal') } });
    const first = dataOf(await collector.collect(context));
    expect(first.devices.map((d) => [d.vendor, d.driver, d.id])).toEqual([
      ['nvidia', 'nvidia', 'GPU-2b5a4c6e-8f1d-4e3a-9c7b-1a2d3e4f5a6b'],
      ['nvidia', 'nvidia', 'GPU-7c1e9d3a-5b2f-4a6c-8d0e-3f4a5b6c7d8e'],
      ['intel', 'i915', '0000:00:02.0'],
      ['intel', 'xe', '0000:03:00.0'],
    ]);
    const a100 = first.devices[0];
    expect(a100).toMatchObject({
      name: 'NVIDIA A100-SXM4-80GB',
      pciBusId: '0000:07:00.0',
      utilization: 0.87,
      memoryBusy: 0.41,
      memoryUsedBytes: 61440 * 1024 * 1024,
      memoryTotalBytes: 81920 * 1024 * 1024,
      temperatureCelsius: 64,
      powerWatts: 312.45,
      powerLimitWatts: 400,
      coreClockHz: 1_410_000_000,
      memoryClockHz: 1_593_000_000,
      fanSpeedFraction: null,
      eccErrorsCorrected: 0,
      migEnabled: false,
    });
    expect(first.devices[1]?.fanSpeedFraction).toBe(0.3);
    expect(first.devices[3]?.utilization).toBeNull(); // first sight of the fdinfo counters
    const ffmpeg = first.processes.find((p) => p.pid === 6100);
    expect(ffmpeg?.container).toMatchObject({
      runtime: 'containerd',
      podUid: '7d2c4a1e-9b3f-4c8d-a6e5-2f1b0c9d8e7a',
      qosClass: 'burstable',
    });
    expect(ffmpeg?.deviceId).toBe('0000:03:00.0');
    // NVIDIA processes not under this proc root keep pmon's command name.
    expect(first.processes.find((p) => p.pid === 1999)).toMatchObject({ name: 'Xorg', utilization: 0.01 });

    // 5 s later: gnome-shell rendered 1 s on the iGPU; ffmpeg's xe client used 30% of vcs (2 engines).
    const fdinfo14 = path.join(root, 'proc/2210/fdinfo/14');
    writeFileSync(
      fdinfo14,
      readFileSync(fdinfo14, 'utf8').replace(
        'drm-engine-render:\t73502193452 ns',
        'drm-engine-render:\t74502193452 ns',
      ),
    );
    const fdinfo3 = path.join(root, 'proc/6100/fdinfo/3');
    writeFileSync(
      fdinfo3,
      readFileSync(fdinfo3, 'utf8')
        .replace('drm-cycles-vcs:\t9215387402', `drm-cycles-vcs:\t${9_215_387_402 + 600_000_000}`)
        .replace(
          /^drm-total-cycles-(\w+):\t38192274121$/gm,
          `drm-total-cycles-$1:\t${38_192_274_121 + 1_000_000_000}`,
        ),
    );
    context.clock.advance(5_000);
    const second = dataOf(await collector.collect(context));
    const igpu = second.devices.find((d) => d.id === '0000:00:02.0');
    expect(igpu?.utilization).toBeCloseTo(0.2, 12);
    expect(igpu?.engines.find((e) => e.engine === 'render')?.utilization).toBeCloseTo(0.2, 12);
    const xe = second.devices.find((d) => d.id === '0000:03:00.0');
    expect(xe?.engines.find((e) => e.engine === 'vcs')?.utilization).toBeCloseTo(0.3, 12);
    expect(xe?.utilization).toBeCloseTo(0.3, 12);
    expect(second.processes.find((p) => p.pid === 6100)?.utilization).toBeCloseTo(0.3, 12);
    // Busiest first.
    expect(second.processes[0]?.pid).toBe(4242);
  });

  it('is unsupported with every reason when no vendor has a device', async () => {
    const collector = createGpuCollector({ nvidia: { command: 'sysray-no-such-nvidia-smi' } });
    const outcome = await collector.collect(contextFor(path.join(FIXTURES, 'no-psi')));
    expect(outcome.kind).toBe('unsupported');
    if (outcome.kind !== 'unsupported') return;
    expect(outcome.reason).toMatch(/^no GPU found \(nvidia: sysray-no-such-nvidia-smi not found on PATH/);
    expect(outcome.reason).toMatch(/drm: no DRM card under .*no-psi\/sys\/class\/drm\)$/);
  });

  it.each([
    ['no-devices', /No devices were found/],
    ['mismatch', /Driver\/library version mismatch/],
  ])(
    'nvidia-smi %s on a host without other GPUs: unsupported, with the NVML message',
    async (scenario, message) => {
      const collector = createGpuCollector({ nvidia: { command: STAND_IN, runTool: standIn(scenario) } });
      const outcome = await collector.collect(contextFor(path.join(FIXTURES, 'no-psi')));
      expect(outcome.kind === 'unsupported' && outcome.reason).toMatch(message);
    },
  );

  it('NVIDIA alone (a VM with a passed-through GPU): ok, and sysfs says why it had nothing', async () => {
    const collector = createGpuCollector({ nvidia: { command: STAND_IN, runTool: standIn('mig') } });
    const data = dataOf(await collector.collect(contextFor(path.join(FIXTURES, 'no-psi'))));
    expect(data.devices).toHaveLength(1);
    expect(data.devices[0]?.migDevices.map((m) => m.uuid)).toEqual([
      'MIG-4f3e2d1c-0b9a-5876-9e5d-4c3b2a1f0e9d',
      'MIG-8a7b6c5d-4e3f-5a2b-8c1d-0e9f8a7b6c5d',
      'MIG-1b2c3d4e-5f6a-5b7c-8d9e-0f1a2b3c4d5e',
    ]);
    expect(data.devices[0]?.utilization).toBeNull(); // [N/A] in MIG mode
    expect(Object.keys(data.unavailable).sort()).toEqual(['drm', 'nvidia-pmon']);
  });

  it('bounds the process list', async () => {
    const collector = createGpuCollector({
      nvidia: { command: STAND_IN, runTool: standIn('normal') },
      processLimit: 2,
    });
    const data = dataOf(await collector.collect(contextFor(path.join(FIXTURES, 'gpu-intel'))));
    expect(data.processes.map((p) => p.pid)).toEqual([4242, 4343]);
  });

  it('skips sysfs and fdinfo when told to', async () => {
    const collector = createGpuCollector({
      nvidia: { command: STAND_IN, runTool: standIn('normal') },
      drm: false,
    });
    const data = dataOf(await collector.collect(contextFor(path.join(FIXTURES, 'gpu-intel'))));
    expect(data.devices.every((d) => d.vendor === 'nvidia')).toBe(true);
    expect(data.unavailable.drm).toBe('disabled');
  });
});

describe('gpu collector on the live host', () => {
  it.runIf(process.platform === 'linux')(
    'reports GPUs with sane values, or says why there are none',
    async () => {
      const collector = createGpuCollector();
      const context: CollectContext = {
        roots: resolveHostRoots({}, {}),
        clock: new ManualClock(),
        signal: new AbortController().signal,
      };
      const outcome = await collector.collect(context);
      await collector.idle();
      if (outcome.kind === 'unsupported') {
        expect(outcome.reason).toMatch(/^no GPU found \(.*nvidia: .*drm: /);
        return;
      }
      expect(outcome.data.devices.length).toBeGreaterThan(0);
      for (const device of outcome.data.devices) {
        expect(device.id).not.toBe('');
        if (device.utilization !== null) expect(device.utilization).toBeGreaterThanOrEqual(0);
        if (device.utilization !== null) expect(device.utilization).toBeLessThanOrEqual(1);
        if (device.memoryUsedBytes !== null && device.memoryTotalBytes !== null)
          expect(device.memoryUsedBytes).toBeLessThanOrEqual(device.memoryTotalBytes);
      }
    },
  );
});

describe('gpu section as OpenTelemetry metrics', () => {
  const { observations } = snapshotMetrics(sampleSnapshot());
  const find = (name: string, attributes: Record<string, string | number> = {}) =>
    observations.filter(
      (o) =>
        o.name === name && Object.entries(attributes).every(([key, value]) => o.attributes[key] === value),
    );

  it('uses the hw.gpu.* conventions with hw.id, hw.name and hw.vendor', () => {
    expect(find('hw.gpu.utilization', { 'hw.id': 'GPU-2b5a4c6e-8f1d-4e3a-9c7b-1a2d3e4f5a6b' })).toEqual([
      {
        name: 'hw.gpu.utilization',
        value: 0.87,
        attributes: {
          'hw.id': 'GPU-2b5a4c6e-8f1d-4e3a-9c7b-1a2d3e4f5a6b',
          'hw.name': 'NVIDIA A100-SXM4-80GB',
          'hw.vendor': 'NVIDIA',
          'hw.gpu.task': 'general',
        },
      },
    ]);
    expect(find('hw.gpu.memory.utilization', { 'hw.vendor': 'NVIDIA' })[0]?.value).toBe(0.75);
    // No product name: the DRM node names it.
    expect(find('hw.gpu.memory.usage', { 'hw.id': '0000:03:00.0' })[0]?.attributes['hw.name']).toBe('card1');
  });

  it('counts ECC errors as hw.errors of type gpu, MIG devices only in MIG mode, engines per class', () => {
    expect(
      find('hw.errors').map((o) => [o.attributes['error.type'], o.attributes['hw.type'], o.value]),
    ).toEqual([
      ['corrected', 'gpu', 3],
      ['uncorrected', 'gpu', 1],
    ]);
    expect(find('sysray.gpu.mig.devices').map((o) => [o.attributes['hw.id'], o.value])).toEqual([
      ['GPU-2b5a4c6e-8f1d-4e3a-9c7b-1a2d3e4f5a6b', 2],
    ]);
    expect(
      find('sysray.gpu.engine.utilization').map((o) => [o.attributes['sysray.gpu.engine'], o.value]),
    ).toEqual([
      ['gfx', 0.35],
      ['compute', 0.05],
    ]);
    expect(find('sysray.gpu.energy')[0]?.value).toBe(987_654.25);
  });

  it('gives per-process GPU series the process and container identity and the device', () => {
    expect(find('sysray.gpu.process.memory.usage')[0]?.attributes).toEqual({
      'process.pid': 4242,
      'process.executable.name': 'python',
      'container.id': SAMPLE_IDS.CRIO_ID,
      'container.runtime.name': 'cri-o',
      'k8s.pod.uid': SAMPLE_IDS.POD_UID,
      'hw.id': 'GPU-2b5a4c6e-8f1d-4e3a-9c7b-1a2d3e4f5a6b',
    });
  });
});

describe('gpu on hosts without Linux', () => {
  it('is unsupported with the reason', async () => {
    const outcome = await createFallbackGpuCollector('darwin').collect({
      roots: resolveHostRoots({}, {}),
      clock: new ManualClock(),
      signal: new AbortController().signal,
    });
    expect(outcome).toEqual({
      kind: 'unsupported',
      reason: 'GPU metrics (sysfs, DRM fdinfo, nvidia-smi) are a Linux kernel feature; this host runs darwin',
    });
  });
});
