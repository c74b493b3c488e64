import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DrmFdinfoScanner,
  clientEngineUtilization,
  parseDrmFdinfo,
  parseDrmSize,
} from '../../src/collectors/gpu-fdinfo.js';
import { ManualClock } from '../../src/platform/clock.js';
import { resolveHostRoots } from '../../src/platform/host-roots.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const rootsOf = (rootfs: string) => resolveHostRoots({ rootfs }, {});

/** amdgpu from Linux 5.14 to 6.8: memory as `drm-memory-<region>`, no drm-total/resident. */
const AMDGPU_LEGACY = `pos:\t0
flags:\t02100002
mnt_id:\t24
ino:\t1163
drm-driver:\tamdgpu
drm-pdev:\t0000:0b:00.0
drm-client-id:\t42
pasid:\t32789
drm-memory-vram:\t1236 KiB
drm-memory-gtt:\t6152 KiB
drm-memory-cpu:\t0 KiB
amd-memory-visible-vram:\t1236 KiB
drm-engine-gfx:\t2093871234 ns
drm-engine-compute:\t0 ns
drm-engine-dma:\t7612 ns
`;

describe('parseDrmSize', () => {
  it('reads bytes with the KiB/MiB suffixes of drm-usage-stats.rst, bytes without one', () => {
    expect(parseDrmSize('1236 KiB')).toBe(1236 * 1024);
    expect(parseDrmSize('3 MiB')).toBe(3 * 1024 * 1024);
    expect(parseDrmSize('0')).toBe(0);
    expect(parseDrmSize('4096')).toBe(4096);
    expect(parseDrmSize('12 furlongs')).toBeNull();
    expect(parseDrmSize('-5 KiB')).toBeNull();
  });
});

describe('parseDrmFdinfo', () => {
  it('reads the amdgpu format of Linux 6.9+ (drm-total/resident per region)', () => {
    const text = readFileSync(path.join(FIXTURES, 'gpu-amd/proc/3100/fdinfo/3'), 'utf8');
    const info = parseDrmFdinfo(text);
    expect(info?.driver).toBe('amdgpu');
    expect(info?.pdev).toBe('0000:03:00.0');
    expect(info?.clientId).toBe('58');
    expect(Object.fromEntries(info?.engineNs ?? [])).toEqual({
      gfx: 812_345_678_901,
      compute: 0,
      dma: 45_678_901,
      dec: 0,
      enc: 0,
    });
    expect(info?.regions.get('vram')).toEqual({
      totalBytes: 4_194_304 * 1024,
      residentBytes: 4_194_304 * 1024,
    });
    expect(info?.regions.get('gtt')).toEqual({ totalBytes: 6144 * 1024, residentBytes: 6144 * 1024 });
  });

  it('reads the legacy drm-memory-<region> keys as region totals', () => {
    const info = parseDrmFdinfo(AMDGPU_LEGACY);
    expect(info?.regions.get('vram')).toEqual({ totalBytes: 1236 * 1024, residentBytes: null });
    expect(info?.engineNs.get('gfx')).toBe(2_093_871_234);
  });

  it('reads i915 engine capacities and keeps stolen memory apart from system memory', () => {
    const info = parseDrmFdinfo(readFileSync(path.join(FIXTURES, 'gpu-intel/proc/2210/fdinfo/14'), 'utf8'));
    expect(info?.capacity.get('video')).toBe(2);
    expect(info?.engineNs.get('video-enhance')).toBe(0);
    expect(info?.engineNs.has('capacity-video')).toBe(false);
    expect([...(info?.regions.keys() ?? [])].sort()).toEqual(['stolen-system0', 'system0']);
  });

  it('reads xe cycle counters without mistaking drm-total-cycles-* for a memory region', () => {
    const info = parseDrmFdinfo(readFileSync(path.join(FIXTURES, 'gpu-intel/proc/6100/fdinfo/3'), 'utf8'));
    expect(info?.cycles.get('vcs')).toBe(9_215_387_402);
    expect(info?.totalCycles.get('vcs')).toBe(38_192_274_121);
    expect(info?.capacity.get('ccs')).toBe(4);
    expect(info?.engineNs.size).toBe(0);
    expect([...(info?.regions.keys() ?? [])].sort()).toEqual(['gtt', 'system', 'vram0']);
  });

  it('is null for a file that is not a DRM client, and skips malformed keys', () => {
    expect(parseDrmFdinfo('pos:\t0\nflags:\t02\nmnt_id:\t15\nino:\t4242\n')).toBeNull();
    const info = parseDrmFdinfo(
      'drm-driver:\tpanfrost\ndrm-engine-:\t5 ns\ndrm-engine-frag:\tlots\ndrm-engine-vertex-tiler:\t10 ns\ngarbage\n',
    );
    expect(Object.fromEntries(info?.engineNs ?? [])).toEqual({ 'vertex-tiler': 10 });
    expect(info?.pdev).toBeNull();
    expect(info?.clientId).toBeNull();
  });
});

describe('clientEngineUtilization', () => {
  const base = parseDrmFdinfo(
    'drm-driver:\ti915\ndrm-engine-render:\t1000000000 ns\ndrm-engine-video:\t0 ns\ndrm-engine-capacity-video:\t2\n',
  );

  it('divides busy time by wall time and by the engine count of the class', () => {
    const later = parseDrmFdinfo(
      'drm-driver:\ti915\ndrm-engine-render:\t1500000000 ns\ndrm-engine-video:\t1000000000 ns\ndrm-engine-capacity-video:\t2\n',
    );
    const util = clientEngineUtilization(later!, base!, 2);
    expect(util.get('render')).toBeCloseTo(0.25, 12);
    expect(util.get('video')).toBeCloseTo(0.25, 12);
  });

  it('divides xe cycles by the elapsed GPU cycles, without the wall clock', () => {
    const before = parseDrmFdinfo(
      'drm-driver:\txe\ndrm-cycles-rcs:\t100\ndrm-total-cycles-rcs:\t1000\ndrm-cycles-ccs:\t0\ndrm-total-cycles-ccs:\t1000\ndrm-engine-capacity-ccs:\t4\n',
    );
    const after = parseDrmFdinfo(
      'drm-driver:\txe\ndrm-cycles-rcs:\t400\ndrm-total-cycles-rcs:\t2000\ndrm-cycles-ccs:\t2000\ndrm-total-cycles-ccs:\t2000\ndrm-engine-capacity-ccs:\t4\n',
    );
    const util = clientEngineUtilization(after!, before!, 0);
    expect(util.get('rcs')).toBeCloseTo(0.3, 12);
    expect(util.get('ccs')).toBeCloseTo(0.5, 12);
  });

  it('leaves out a class whose counter went back and clamps overshoot to 1', () => {
    const back = parseDrmFdinfo(
      'drm-driver:\ti915\ndrm-engine-render:\t10 ns\ndrm-engine-video:\t9000000000 ns\n',
    );
    const util = clientEngineUtilization(back!, base!, 1);
    expect(util.has('render')).toBe(false);
    expect(util.get('video')).toBe(1);
  });
});

describe('DrmFdinfoScanner', () => {
  let tmp: string | undefined;
  afterEach(() => {
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
    tmp = undefined;
  });
  const copyTree = (variant: string): string => {
    tmp = mkdtempSync(path.join(tmpdir(), 'sysray-fdinfo-'));
    const root = path.join(tmp, variant);
    cpSync(path.join(FIXTURES, variant), root, { recursive: true, verbatimSymlinks: true });
    return root;
  };
  const bumpEngine = (file: string, engine: string, ns: number): void => {
    const text = readFileSync(file, 'utf8');
    const updated = text.replace(
      new RegExp(`^drm-engine-${engine}:\\t(\\d+) ns$`, 'm'),
      (_, v: string) => `drm-engine-${engine}:\t${Number(v) + ns} ns`,
    );
    writeFileSync(file, updated);
  };

  it('finds DRM clients through fd links, counts a shared client once and ignores other devices', () => {
    const sample = new DrmFdinfoScanner().sample(rootsOf(path.join(FIXTURES, 'gpu-amd')), 0);
    expect(sample.unavailable).toBeNull();
    const byPid = new Map(sample.processes.map((p) => [`${p.pid}/${p.pdev}`, p]));
    // 3101 inherited client 58 from 3100: it is 3100's.
    expect([...byPid.keys()].sort()).toEqual(['3100/0000:03:00.0', '3300/0000:03:00.0', '3300/0000:c2:00.0']);
    const python = byPid.get('3100/0000:03:00.0');
    // clients 58 and 59: vram 4 GiB + 2 GiB, gtt 6 MiB + 2 MiB, resident throughout.
    expect(python?.memoryRegions).toEqual([
      { region: 'cpu', totalBytes: 0, residentBytes: 0 },
      { region: 'gtt', totalBytes: 8 * 1024 * 1024, residentBytes: 8 * 1024 * 1024 },
      { region: 'vram', totalBytes: 6 * 1024 ** 3, residentBytes: 6 * 1024 ** 3 },
    ]);
    expect(python?.memoryBytes).toBe(6 * 1024 ** 3 + 8 * 1024 * 1024);
    expect(python?.utilization).toBeNull(); // first sight
    // Every process was new on the first tick, so every fd directory was read.
    expect(sample.scannedProcesses).toBe(7);
  });

  it('measures engine utilization per process and per device between two ticks', () => {
    const root = copyTree('gpu-amd');
    const clock = new ManualClock();
    const scanner = new DrmFdinfoScanner();
    scanner.sample(rootsOf(root), clock.monotonicMs());
    // Over 2 s: client 58 ran gfx 1.5 s, client 59 compute 0.5 s, Xorg gfx 0.1 s.
    bumpEngine(path.join(root, 'proc/3100/fdinfo/3'), 'gfx', 1_500_000_000);
    bumpEngine(path.join(root, 'proc/3101/fdinfo/3'), 'gfx', 1_500_000_000); // the same client, seen again
    bumpEngine(path.join(root, 'proc/3100/fdinfo/5'), 'compute', 500_000_000);
    bumpEngine(path.join(root, 'proc/3300/fdinfo/12'), 'gfx', 100_000_000);
    clock.advance(2_000);
    const sample = scanner.sample(rootsOf(root), clock.monotonicMs());
    const python = sample.processes.find((p) => p.pid === 3100);
    expect(python?.engines).toEqual([
      { engine: 'compute', utilization: 0.25 },
      { engine: 'dec', utilization: 0 },
      { engine: 'dma', utilization: 0 },
      { engine: 'enc', utilization: 0 },
      { engine: 'gfx', utilization: 0.75 },
    ]);
    expect(python?.utilization).toBe(0.75);
    expect(
      sample.processes.find((p) => p.pid === 3300 && p.pdev === '0000:03:00.0')?.utilization,
    ).toBeCloseTo(0.05, 12);
    const device = new Map(
      (sample.deviceEngines.get('0000:03:00.0') ?? []).map((e) => [e.engine, e.utilization]),
    );
    expect(device.get('gfx')).toBeCloseTo(0.8, 12);
    expect(device.get('compute')).toBeCloseTo(0.25, 12);
    // Known DRM processes with unchanged fd counts are not re-read; the others fall in the rolling slice.
    expect(sample.scannedProcesses).toBeLessThan(7);
  });

  it('finds a process that opens the GPU later within the rediscovery window, and forgets closed clients', () => {
    const root = copyTree('gpu-amd');
    const scanner = new DrmFdinfoScanner({ rediscoverTicks: 3 });
    const clock = new ManualClock();
    scanner.sample(rootsOf(root), clock.monotonicMs());
    // sshd (pid 2000) opens the render node: nothing about its pid is new, so only the rolling slice finds it.
    symlinkSync('/dev/dri/renderD128', path.join(root, 'proc/2000/fd/9'));
    // An empty fdinfo/ is not kept in git: make it as the kernel would show it.
    mkdirSync(path.join(root, 'proc/2000/fdinfo'), { recursive: true });
    writeFileSync(
      path.join(root, 'proc/2000/fdinfo/9'),
      'pos:\t0\nflags:\t02\ndrm-driver:\tamdgpu\ndrm-client-id:\t77\ndrm-pdev:\t0000:03:00.0\ndrm-engine-gfx:\t5 ns\n',
    );
    const seen: boolean[] = [];
    for (let i = 0; i < 3; i += 1) {
      clock.advance(1_000);
      seen.push(scanner.sample(rootsOf(root), clock.monotonicMs()).processes.some((p) => p.pid === 2000));
    }
    expect(seen).toContain(true);
    // Closing the file: the fd count changes, the client disappears.
    rmSync(path.join(root, 'proc/2000/fd/9'));
    rmSync(path.join(root, 'proc/2000/fdinfo/9'));
    clock.advance(1_000);
    expect(scanner.sample(rootsOf(root), clock.monotonicMs()).processes.some((p) => p.pid === 2000)).toBe(
      false,
    );
  });

  it('forgets a process that exited', () => {
    const root = copyTree('gpu-amd');
    const scanner = new DrmFdinfoScanner();
    scanner.sample(rootsOf(root), 0);
    rmSync(path.join(root, 'proc/3300'), { recursive: true });
    const sample = scanner.sample(rootsOf(root), 1_000);
    expect(sample.processes.some((p) => p.pid === 3300)).toBe(false);
  });

  it('stops between processes when the collection is aborted', () => {
    const controller = new AbortController();
    controller.abort();
    const sample = new DrmFdinfoScanner().sample(
      rootsOf(path.join(FIXTURES, 'gpu-amd')),
      0,
      controller.signal,
    );
    expect(sample.scannedProcesses).toBe(0);
  });

  it('tolerates a tree whose fd entries are not links (nothing found, nothing thrown)', () => {
    const root = copyTree('gpu-amd');
    mkdirSync(path.join(root, 'proc/9999/fd'), { recursive: true });
    writeFileSync(path.join(root, 'proc/9999/fd/3'), '');
    const sample = new DrmFdinfoScanner().sample(rootsOf(root), 0);
    expect(sample.processes.some((p) => p.pid === 9999)).toBe(false);
  });
});
