import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runTool, type RunTool } from '../../src/collectors/gpu-exec.js';
import {
  NVIDIA_GPU_FIELDS,
  NvidiaSmiSource,
  mergeNvidiaProcesses,
  normalizePciBusId,
  parseNvidiaComputeApps,
  parseNvidiaGpuQuery,
  parseNvidiaList,
  parseNvidiaNumber,
  parseNvidiaPmon,
} from '../../src/collectors/gpu-nvidia.js';
import { ManualClock } from '../../src/platform/clock.js';

const STAND_IN = fileURLToPath(new URL('../fixtures/bin/nvidia-smi', import.meta.url));
const BIN_DIR = path.dirname(STAND_IN);

/** Runs the stand-in with a scenario (and an invocation log), as the real runner would run nvidia-smi. */
function standIn(scenario: string, log?: string): RunTool {
  return async (file, args, options) => {
    const saved = {
      scenario: process.env.SYSRAY_FAKE_NVIDIA_SMI,
      log: process.env.SYSRAY_FAKE_NVIDIA_SMI_LOG,
    };
    process.env.SYSRAY_FAKE_NVIDIA_SMI = scenario;
    if (log !== undefined) process.env.SYSRAY_FAKE_NVIDIA_SMI_LOG = log;
    try {
      // execFile copies the environment when it spawns, so restoring it right after is safe.
      return await runTool(file, args, options);
    } finally {
      if (saved.scenario === undefined) delete process.env.SYSRAY_FAKE_NVIDIA_SMI;
      else process.env.SYSRAY_FAKE_NVIDIA_SMI = saved.scenario;
      if (saved.log === undefined) delete process.env.SYSRAY_FAKE_NVIDIA_SMI_LOG;
      else process.env.SYSRAY_FAKE_NVIDIA_SMI_LOG = saved.log;
    }
  };
}

const A100 =
  'GPU-2b5a4c6e-8f1d-4e3a-9c7b-1a2d3e4f5a6b, 0, NVIDIA A100-SXM4-80GB, 00000000:07:00.0, 87, 41, 61440, 81920, 64, 312.45, 400.00, 1410, 1593, [N/A], 0, 0, Disabled';

describe('parseNvidiaGpuQuery', () => {
  it('reads every queried field in nvidia-smi units', () => {
    const [row] = parseNvidiaGpuQuery(`${A100}\n`);
    expect(row).toEqual({
      uuid: 'GPU-2b5a4c6e-8f1d-4e3a-9c7b-1a2d3e4f5a6b',
      index: 0,
      name: 'NVIDIA A100-SXM4-80GB',
      pciBusId: '0000:07:00.0',
      utilizationPercent: 87,
      memoryUtilizationPercent: 41,
      memoryUsedMiB: 61440,
      memoryTotalMiB: 81920,
      temperatureCelsius: 64,
      powerDrawWatts: 312.45,
      powerLimitWatts: 400,
      smClockMHz: 1410,
      memoryClockMHz: 1593,
      fanPercent: null,
      eccCorrected: 0,
      eccUncorrected: 0,
      migEnabled: false,
    });
    expect(NVIDIA_GPU_FIELDS).toHaveLength(17);
  });

  it('turns [N/A], [Not Supported], [Unknown Error] and old-driver N/A into null, never zero', () => {
    const [row] = parseNvidiaGpuQuery(
      'GPU-0d9e, 3, GRID T4-4Q, 00000000:02:00.0, [N/A], N/A, 1024, 4096, [Unknown Error], [Insufficient Permissions], [Not Supported], 1590, 5000, [N/A], [Not Supported], [Not Supported], [N/A]',
    );
    expect(row?.index).toBe(3);
    expect(row?.utilizationPercent).toBeNull();
    expect(row?.memoryUtilizationPercent).toBeNull();
    expect(row?.temperatureCelsius).toBeNull();
    expect(row?.powerDrawWatts).toBeNull();
    expect(row?.powerLimitWatts).toBeNull();
    expect(row?.eccCorrected).toBeNull();
    expect(row?.migEnabled).toBeNull();
    expect(row?.memoryUsedMiB).toBe(1024);
  });

  it('rejoins a name that contains a comma and skips lines that are not GPU rows', () => {
    const rows = parseNvidiaGpuQuery(
      [
        'No devices were found',
        '',
        'GPU-aa, 1, Vendor GPU, rev 2, 00000000:0A:00.0, 5, 1, 10, 20, 30, 40.5, 50, 100, 200, 25, 0, 0, Enabled',
        'GPU-bb, x, broken, 00000000:0B:00.0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, Disabled',
        'garbage line',
      ].join('\n'),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.name).toBe('Vendor GPU, rev 2');
    expect(rows[0]?.pciBusId).toBe('0000:0a:00.0');
    expect(rows[0]?.fanPercent).toBe(25);
    expect(rows[0]?.migEnabled).toBe(true);
  });
});

describe('nvidia-smi field helpers', () => {
  it('normalizes the 8-digit NVML PCI domain to the sysfs spelling', () => {
    expect(normalizePciBusId('00000000:C1:00.0')).toBe('0000:c1:00.0');
    expect(normalizePciBusId('0000:07:00.0')).toBe('0000:07:00.0');
    expect(normalizePciBusId('not a bus id')).toBeNull();
    expect(normalizePciBusId(null)).toBeNull();
  });

  it('parses numbers and refuses markers', () => {
    expect(parseNvidiaNumber(' 71.20 ')).toBe(71.2);
    expect(parseNvidiaNumber('[N/A]')).toBeNull();
    expect(parseNvidiaNumber('')).toBeNull();
    expect(parseNvidiaNumber(undefined)).toBeNull();
    expect(parseNvidiaNumber('12 MiB')).toBeNull();
  });
});

describe('parseNvidiaComputeApps', () => {
  it('reads gpu_uuid, pid and used_memory, [N/A] memory as null', () => {
    expect(
      parseNvidiaComputeApps('GPU-aa, 4242, 60928\nGPU-bb, 5151, [N/A]\nGPU-cc, -1, 5\nnonsense\n'),
    ).toEqual([
      { gpuUuid: 'GPU-aa', pid: 4242, usedMemoryMiB: 60928 },
      { gpuUuid: 'GPU-bb', pid: 5151, usedMemoryMiB: null },
    ]);
    expect(parseNvidiaComputeApps('')).toEqual([]);
  });
});

describe('parseNvidiaPmon', () => {
  it('reads columns from the header (R470+ with jpg and ofa), skips idle GPUs and keeps the highest of repeats', () => {
    const rows = parseNvidiaPmon(
      [
        '# gpu         pid   type     sm    mem    enc    dec    jpg    ofa    command ',
        '# Idx           #    C/G      %      %      %      %      %      %    name ',
        '    0       4242     C     86     40      -      -      -      -    python',
        '    0       4242     C     90     41      -      -      -      -    python',
        '    1       5555   C+G      -      -     35     12      -      -    my encoder',
        '    2          -     -      -      -      -      -      -      -    -',
      ].join('\n'),
    );
    expect(rows).toEqual([
      { gpuIndex: 0, pid: 4242, type: 'C', smPercent: 90, memPercent: 41, command: 'python' },
      { gpuIndex: 1, pid: 5555, type: 'C+G', smPercent: null, memPercent: null, command: 'my encoder' },
    ]);
  });

  it('reads the older header without jpg/ofa and the -s um layout with fb and ccpm first', () => {
    const old = parseNvidiaPmon(
      '# gpu        pid  type    sm   mem   enc   dec   command\n# Idx          #   C/G     %     %     %     %   name\n    0      1234     C    71    40     -     -   python3\n',
    );
    expect(old[0]).toMatchObject({ pid: 1234, smPercent: 71, memPercent: 40, command: 'python3' });
    const um = parseNvidiaPmon(
      '# gpu         pid   type     fb   ccpm     sm    mem    enc    dec    jpg    ofa    command\n# Idx           #    C/G     MB     MB      %      %      %      %      %      %    name\n    0       1424     G     15      0      3      1      -      -      -      -    Xorg\n',
    );
    expect(um[0]).toMatchObject({ pid: 1424, type: 'G', smPercent: 3, memPercent: 1 });
  });

  it('gives nothing without a header or for an error message', () => {
    expect(parseNvidiaPmon('    0       4242     C     86     40    python\n')).toEqual([]);
    expect(parseNvidiaPmon('Failed to process command line\n')).toEqual([]);
  });
});

describe('parseNvidiaList', () => {
  it('collects MIG devices under their parent GPU, current and pre-R470 formats', () => {
    const list = parseNvidiaList(
      [
        'GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-aaaa)',
        '  MIG 3g.20gb     Device  0: (UUID: MIG-1111)',
        '  MIG 1g.5gb      Device  1: (UUID: MIG-2222)',
        'GPU 1: NVIDIA A100-SXM4-40GB (UUID: GPU-bbbb)',
        '  MIG 7g.40gb Device 0: (UUID: MIG-GPU-bbbb/0/0)',
        'GPU 2: Tesla T4 (UUID: GPU-cccc)',
      ].join('\n'),
    );
    expect(list.get('GPU-aaaa')).toEqual([
      { profile: '3g.20gb', index: 0, uuid: 'MIG-1111' },
      { profile: '1g.5gb', index: 1, uuid: 'MIG-2222' },
    ]);
    expect(list.get('GPU-bbbb')).toEqual([{ profile: '7g.40gb', index: 0, uuid: 'MIG-GPU-bbbb/0/0' }]);
    expect(list.get('GPU-cccc')).toEqual([]);
  });
});

describe('mergeNvidiaProcesses', () => {
  it('joins compute apps (by UUID) and pmon rows (by index), sums contexts, keeps graphics-only processes', () => {
    const rows = parseNvidiaGpuQuery(
      `${A100}\nGPU-7c1e, 1, NVIDIA RTX 6000 Ada Generation, 00000000:C1:00.0, 12, 3, 11264, 49140, 47, 71.20, 300.00, 2505, 10001, 30, [N/A], [N/A], [N/A]`,
    );
    const merged = mergeNvidiaProcesses(
      rows,
      [
        { gpuUuid: 'GPU-2b5a4c6e-8f1d-4e3a-9c7b-1a2d3e4f5a6b', pid: 10, usedMemoryMiB: 100 },
        { gpuUuid: 'GPU-2b5a4c6e-8f1d-4e3a-9c7b-1a2d3e4f5a6b', pid: 10, usedMemoryMiB: 28 },
        { gpuUuid: 'GPU-unknown', pid: 11, usedMemoryMiB: 1 },
      ],
      [
        { gpuIndex: 0, pid: 10, type: 'C', smPercent: 55, memPercent: 1, command: 'train' },
        { gpuIndex: 1, pid: 20, type: 'G', smPercent: 2, memPercent: 0, command: 'Xorg' },
        { gpuIndex: 9, pid: 30, type: 'C', smPercent: 2, memPercent: 0, command: 'lost' },
      ],
    );
    expect(merged).toEqual([
      {
        gpuUuid: 'GPU-2b5a4c6e-8f1d-4e3a-9c7b-1a2d3e4f5a6b',
        pid: 10,
        usedMemoryBytes: 128 * 1024 * 1024,
        utilization: 0.55,
        command: 'train',
      },
      { gpuUuid: 'GPU-7c1e', pid: 20, usedMemoryBytes: null, utilization: 0.02, command: 'Xorg' },
    ]);
  });
});

describe('NvidiaSmiSource with the stand-in nvidia-smi', () => {
  let tmp: string | undefined;
  afterEach(() => {
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
    tmp = undefined;
  });

  it('normal: two GPUs, their processes and pmon utilization', async () => {
    const source = new NvidiaSmiSource({ command: STAND_IN, runTool: standIn('normal') });
    const sample = await source.sample(new ManualClock(0, 1_000));
    expect(sample.sampledAt).toBe(1_000);
    expect(sample.unavailable).toEqual({});
    expect(sample.devices.map((d) => [d.row.index, d.row.name, d.row.pciBusId])).toEqual([
      [0, 'NVIDIA A100-SXM4-80GB', '0000:07:00.0'],
      [1, 'NVIDIA RTX 6000 Ada Generation', '0000:c1:00.0'],
    ]);
    expect(sample.devices[1]?.row.fanPercent).toBe(30);
    expect(sample.processes).toEqual([
      {
        gpuUuid: 'GPU-2b5a4c6e-8f1d-4e3a-9c7b-1a2d3e4f5a6b',
        pid: 4242,
        usedMemoryBytes: 60928 * 1024 * 1024,
        utilization: 0.86,
        command: 'python',
      },
      {
        gpuUuid: 'GPU-7c1e9d3a-5b2f-4a6c-8d0e-3f4a5b6c7d8e',
        pid: 4343,
        usedMemoryBytes: 10752 * 1024 * 1024,
        utilization: 0.11,
        command: 'python3',
      },
      {
        gpuUuid: 'GPU-7c1e9d3a-5b2f-4a6c-8d0e-3f4a5b6c7d8e',
        pid: 1999,
        usedMemoryBytes: null,
        utilization: 0.01,
        command: 'Xorg',
      },
    ]);
  });

  it('mig: lists the MIG devices and records that pmon refuses MIG mode', async () => {
    const source = new NvidiaSmiSource({ command: STAND_IN, runTool: standIn('mig') });
    const sample = await source.sample(new ManualClock());
    expect(sample.devices[0]?.row.migEnabled).toBe(true);
    expect(sample.devices[0]?.migDevices.map((m) => m.profile)).toEqual(['3g.20gb', '2g.10gb', '1g.5gb']);
    expect(sample.unavailable['nvidia-pmon']).toMatch(/exited with status 3: Failed to process command line/);
    expect(sample.processes).toEqual([
      {
        gpuUuid: 'GPU-9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d',
        pid: 5151,
        usedMemoryBytes: null,
        utilization: null,
        command: '',
      },
    ]);
  });

  it('na: a vGPU with unreadable fields reports nulls, not zeros, and no pmon rows', async () => {
    const source = new NvidiaSmiSource({ command: STAND_IN, runTool: standIn('na') });
    const sample = await source.sample(new ManualClock());
    expect(sample.devices).toHaveLength(1);
    expect(sample.devices[0]?.row).toMatchObject({
      utilizationPercent: null,
      temperatureCelsius: null,
      powerLimitWatts: null,
      memoryUsedMiB: 1024,
    });
    expect(sample.processes).toEqual([
      {
        gpuUuid: 'GPU-0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a',
        pid: 777,
        usedMemoryBytes: null,
        utilization: null,
        command: '',
      },
    ]);
  });

  it.each([
    ['no-devices', /exited with status 6: No devices were found/],
    ['mismatch', /exited with status 18: Failed to initialize NVML: Driver\/library version mismatch/],
  ])('%s: no device and the reason', async (scenario, reason) => {
    const source = new NvidiaSmiSource({ command: STAND_IN, runTool: standIn(scenario) });
    const sample = await source.sample(new ManualClock());
    expect(sample.devices).toEqual([]);
    expect(sample.unavailable.nvidia).toMatch(reason);
  });

  it('a missing nvidia-smi is a reason, whether looked up on PATH or at a path', async () => {
    const onPath = await new NvidiaSmiSource({ command: 'sysray-no-such-nvidia-smi' }).sample(
      new ManualClock(),
    );
    expect(onPath.unavailable.nvidia).toBe(
      'sysray-no-such-nvidia-smi not found on PATH (no NVIDIA driver user space installed)',
    );
    const atPath = await new NvidiaSmiSource({ command: '/nonexistent/nvidia-smi' }).sample(
      new ManualClock(),
    );
    expect(atPath.unavailable.nvidia).toMatch(/^\/nonexistent\/nvidia-smi not found/);
  });

  it('finds nvidia-smi on PATH by name', async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = `${BIN_DIR}${path.delimiter}${savedPath ?? ''}`;
    try {
      const sample = await new NvidiaSmiSource({ runTool: standIn('normal') }).sample(new ManualClock());
      expect(sample.devices).toHaveLength(2);
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it('a hung nvidia-smi is killed after the timeout and reported', async () => {
    const source = new NvidiaSmiSource({ command: STAND_IN, runTool: standIn('hang'), timeoutMs: 300 });
    const started = Date.now();
    const sample = await source.sample(new ManualClock());
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(sample.unavailable.nvidia).toMatch(/timed out after 300 ms/);
  });

  it('runs on its own cadence and serves the last sample in between', async () => {
    tmp = mkdtempSync(path.join(tmpdir(), 'sysray-nvidia-'));
    const log = path.join(tmp, 'calls.log');
    const calls = () => readFileSync(log, 'utf8').trim().split('\n');
    const clock = new ManualClock();
    const source = new NvidiaSmiSource({
      command: STAND_IN,
      runTool: standIn('normal', log),
      intervalMs: 5_000,
    });

    const first = await source.sample(clock);
    // query-gpu, query-compute-apps and pmon; no -L without MIG.
    expect(calls()).toHaveLength(3);
    for (let i = 0; i < 4; i += 1) {
      clock.advance(1_000);
      expect(await source.sample(clock)).toBe(first);
    }
    expect(calls()).toHaveLength(3);

    clock.advance(1_000); // 5 s after the first run
    await source.sample(clock);
    await source.idle();
    expect(calls()).toHaveLength(6);
    expect(calls().filter((line) => line.startsWith('pmon'))).toHaveLength(2);
  });

  it('a cadence under one second is raised to one second', async () => {
    tmp = mkdtempSync(path.join(tmpdir(), 'sysray-nvidia-'));
    const log = path.join(tmp, 'calls.log');
    const clock = new ManualClock();
    const source = new NvidiaSmiSource({
      command: STAND_IN,
      runTool: standIn('normal', log),
      intervalMs: 10,
      processUtilization: false,
    });
    await source.sample(clock);
    clock.advance(500);
    await source.sample(clock);
    await source.idle();
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(2);
  });
});
