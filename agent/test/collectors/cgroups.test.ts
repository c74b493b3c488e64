import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CgroupInfo, CgroupsData } from '@sysray/proto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cgroupLayout,
  parseCgroupCpuMax,
  parseCgroupCpuStat,
  parseCgroupIoStat,
  parseCgroupMemoryEvents,
  parseCgroupMemoryStat,
  parseCgroupMounts,
} from '../../src/collectors/cgroups-parse.js';
import { createCgroupsCollector, type CgroupsCollectorOptions } from '../../src/collectors/cgroups.js';
import type { CollectContext } from '../../src/collectors/types.js';
import { ManualClock, systemClock, type Clock } from '../../src/platform/clock.js';
import { resolveHostRoots } from '../../src/platform/host-roots.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const DOCKER_V2 = '89c866da4e4b59dc94ea840d501610fed7e8988fd87b56a1d63efd8d872ecac5';
const DOCKER_HYBRID = 'f6c1d20a3e62fbf3c9f4ebcc026f49b71a0a9cd0e84a8c8ea19e68d38ca0eb6a';
const BURST_POD_UID = '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b';
const BURST_POD = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${BURST_POD_UID.replaceAll('-', '_')}.slice`;
const GUARANTEED_POD = '/kubepods.slice/kubepods-pod1b2c3d4e_5f6a_4b7c_8d9e_0f1a2b3c4d5e.slice';
const NSPAWN = '/machine.slice/systemd-nspawn@debian\\x2dtest.service';

function context(rootfs: string, clock: Clock = new ManualClock()): CollectContext {
  return { roots: resolveHostRoots({ rootfs }, {}), clock, signal: new AbortController().signal };
}

async function collect(
  rootfs: string,
  options: CgroupsCollectorOptions = {},
  clock: Clock = new ManualClock(),
): Promise<CgroupsData> {
  const outcome = await createCgroupsCollector(options).collect(context(rootfs, clock));
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got ${outcome.reason}`);
  return outcome.data;
}

function group(data: CgroupsData, groupPath: string): CgroupInfo {
  const found = data.groups.find((g) => g.path === groupPath);
  if (found === undefined) throw new Error(`${groupPath} not reported`);
  return found;
}

const temps: string[] = [];
/** Copies what the cgroups collector reads: proc/1 (mountinfo) and sys/fs/cgroup. */
function copyTree(tree: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `sysray-cgroups-${tree}-`));
  temps.push(dir);
  for (const sub of ['proc/1', 'sys/fs/cgroup']) {
    cpSync(path.join(FIXTURES, tree, sub), path.join(dir, sub), { recursive: true });
  }
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function editKeyed(file: string, edits: Record<string, (value: number) => number>): void {
  const lines = readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => {
      const [key, value] = line.split(' ');
      const edit = key === undefined ? undefined : edits[key];
      return edit === undefined ? line : `${key} ${edit(Number(value))}`;
    });
  writeFileSync(file, `${lines.join('\n')}\n`);
}

const V2_MOUNTINFO = `22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
28 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
32 22 0:27 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`;
const HYBRID_MOUNTINFO = `31 22 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
32 31 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate
33 31 0:28 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd
37 31 0:32 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup rw,memory
`;
const V1_MOUNTINFO = `25 18 0:21 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755
26 25 0:22 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup rw,xattr,name=systemd
29 25 0:25 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,cpu,cpuacct
`;

describe('parseCgroupMounts and cgroupLayout', () => {
  it('finds a cgroup2 mount at /sys/fs/cgroup: the unified layout', () => {
    const mounts = parseCgroupMounts(V2_MOUNTINFO);
    expect(mounts).toEqual({ unified: [{ mountPoint: '/sys/fs/cgroup', root: '/' }], v1: [] });
    expect(cgroupLayout(mounts)).toEqual({ mode: 'v2', mountPoint: '/sys/fs/cgroup' });
  });

  it('calls cgroup2 beside v1 controllers hybrid', () => {
    const mounts = parseCgroupMounts(HYBRID_MOUNTINFO);
    expect(mounts.v1.map((m) => m.mountPoint)).toEqual(['/sys/fs/cgroup/systemd', '/sys/fs/cgroup/memory']);
    expect(cgroupLayout(mounts)).toEqual({ mode: 'hybrid', mountPoint: '/sys/fs/cgroup/unified' });
  });

  it('has no layout on a cgroup v1-only host', () => {
    expect(cgroupLayout(parseCgroupMounts(V1_MOUNTINFO))).toBeNull();
    expect(cgroupLayout(parseCgroupMounts(''))).toBeNull();
  });

  it('handles escaped mount points, any number of optional fields and garbage lines', () => {
    const text =
      'garbage\n' +
      '40 1 0:40 /sub /mnt/my\\040cgroup rw shared:3 master:1 propagate_from:2 - cgroup2 none rw\n' +
      '41 1 0:41 / /mnt/plain rw - tmpfs tmpfs rw\n';
    const mounts = parseCgroupMounts(text);
    expect(mounts.unified).toEqual([{ mountPoint: '/mnt/my cgroup', root: '/sub' }]);
    // cgroup2 elsewhere with no v1 beside it is still the unified layout.
    expect(cgroupLayout(mounts)).toEqual({ mode: 'v2', mountPoint: '/mnt/my cgroup' });
  });
});

describe('cgroup file parsers', () => {
  it('parses cpu.stat with and without the cpu controller', () => {
    const full =
      'usage_usec 123130000\nuser_usec 73110000\nsystem_usec 50020000\ncore_sched.force_idle_usec 0\nnr_periods 4210\nnr_throttled 371\nthrottled_usec 18290000\nnr_bursts 0\nburst_usec 0\n';
    expect(parseCgroupCpuStat(full)).toEqual({
      usageUsec: 123130000,
      userUsec: 73110000,
      systemUsec: 50020000,
      periods: 4210,
      throttledPeriods: 371,
      throttledUsec: 18290000,
    });
    expect(parseCgroupCpuStat('usage_usec 5\nuser_usec 3\nsystem_usec 2\n')).toEqual({
      usageUsec: 5,
      userUsec: 3,
      systemUsec: 2,
      periods: null,
      throttledPeriods: null,
      throttledUsec: null,
    });
    expect(parseCgroupCpuStat('nr_periods 4\n')).toBeNull();
    expect(parseCgroupCpuStat('')).toBeNull();
  });

  it('parses cpu.max as cores', () => {
    expect(parseCgroupCpuMax('max 100000\n')).toBeNull();
    expect(parseCgroupCpuMax('150000 100000\n')).toBe(1.5);
    expect(parseCgroupCpuMax('25000 50000')).toBe(0.5);
    expect(parseCgroupCpuMax('50000\n')).toBe(0.5); // period defaults to 100 ms
    expect(parseCgroupCpuMax('lots 100000')).toBeNull();
    expect(parseCgroupCpuMax('100 0')).toBeNull();
    expect(parseCgroupCpuMax('')).toBeNull();
  });

  it('parses io.stat, old kernels without discard fields, extra keys and garbage', () => {
    const text =
      '259:0 rbytes=1048576 wbytes=4194304 rios=41 wios=310 dbytes=512 dios=1\n' +
      '8:0 rbytes=10 wbytes=20 rios=1 wios=2\n' +
      '8:16 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6 cost.vrate=100.00 cost.usage=7\n' +
      'nonsense line\n\n';
    expect(parseCgroupIoStat(text)).toEqual([
      {
        devNumber: '259:0',
        readBytes: 1048576,
        writeBytes: 4194304,
        readOps: 41,
        writeOps: 310,
        discardBytes: 512,
        discardOps: 1,
      },
      {
        devNumber: '8:0',
        readBytes: 10,
        writeBytes: 20,
        readOps: 1,
        writeOps: 2,
        discardBytes: 0,
        discardOps: 0,
      },
      {
        devNumber: '8:16',
        readBytes: 1,
        writeBytes: 2,
        readOps: 3,
        writeOps: 4,
        discardBytes: 5,
        discardOps: 6,
      },
    ]);
    expect(parseCgroupIoStat('')).toEqual([]);
  });

  it('parses memory.stat; kernel is null before Linux 5.18 and summed from its parts for the root total', () => {
    const v6 =
      'anon 100\nfile 200\nkernel 30\nkernel_stack 4\npagetables 5\nsec_pagetables 0\npercpu 1\nsock 7\nvmalloc 2\nshmem 8\nslab 10\n';
    expect(parseCgroupMemoryStat(v6)).toEqual({
      anon: 100,
      file: 200,
      kernel: 30,
      sock: 7,
      shmem: 8,
      kernelParts: 22,
    });
    const v510 =
      'anon 100\nfile 200\nkernel_stack 4\npagetables 5\npercpu 1\nsock 7\nshmem 8\nslab_reclaimable 6\nslab_unreclaimable 4\nslab 10\n';
    expect(parseCgroupMemoryStat(v510)).toMatchObject({ kernel: null, kernelParts: 20 });
    expect(parseCgroupMemoryStat('')).toEqual({
      anon: null,
      file: null,
      kernel: null,
      sock: null,
      shmem: null,
      kernelParts: 0,
    });
  });

  it('parses memory.events, with or without oom_group_kill', () => {
    expect(parseCgroupMemoryEvents('low 1\nhigh 12\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n')).toEqual({
      low: 1,
      high: 12,
      max: 3,
      oom: 1,
      oomKill: 1,
    });
    expect(parseCgroupMemoryEvents('high 2\n')).toEqual({ low: 0, high: 2, max: 0, oom: 0, oomKill: 0 });
  });
});

describe('cgroups collector on fixture trees', () => {
  const V2 = path.join(FIXTURES, 'v2-containers');

  it('v2-containers: reports the root, units to maxDepth and every container and pod', async () => {
    const data = await collect(V2);
    expect(data.mode).toBe('v2');
    expect(data.mountPoint).toBe('/sys/fs/cgroup');
    expect(data.groups.map((g) => `${g.kind} ${g.name}`)).toEqual([
      'root /',
      'scope init.scope',
      'slice kubepods.slice',
      'slice kubepods-besteffort.slice',
      'pod 0c9d8e7f-1a2b-4c3d-9e8f-7a6b5c4d3e2f',
      'container 0501b7e61650',
      'slice kubepods-burstable.slice',
      `pod ${BURST_POD_UID}`,
      'container 02dedcaadb6a',
      'container 23c797c9931f',
      'pod 1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
      'container dcdc7dc623a9',
      'slice machine.slice',
      'container 0cc156238321',
      'scope libpod-conmon-0cc1562383216716e7d95e07bbf6ac37f8e83fb7350c5222e90082326282842e.scope',
      'slice system.slice',
      'service containerd.service',
      'container 89c866da4e4b',
      'service docker.service',
      'service ssh.service',
      'service systemd-journald.service',
      'slice user.slice',
      'slice user-1000.slice',
      'scope session-3.scope',
      'service user@1000.service',
      // depth 5, below maxDepth 3: reported because it is a container
      'container 419e447384a2',
    ]);
    // Skipped: units below maxDepth that are not containers (user@1000.service/init.scope) and crio-conmon.
    expect(data.groups.some((g) => g.path.endsWith('user@1000.service/init.scope'))).toBe(false);
    expect(data.groups.some((g) => g.path.includes('crio-conmon'))).toBe(false);
  });

  it('v2-containers: the root has no cpu.max, memory.current or pids files and its memory comes from memory.stat', async () => {
    const root = group(await collect(V2), '/');
    expect(root.attribution).toEqual({
      containerId: null,
      runtime: null,
      podUid: null,
      qosClass: null,
      systemdUnit: null,
    });
    expect(root.cpu).toEqual({
      usageSeconds: 3_874_512,
      userSeconds: 2_790_000,
      systemSeconds: 1_084_512,
      periods: 0,
      throttledPeriods: 0,
      throttledSeconds: 0,
      limitCores: null,
      usageCores: null,
      throttledFraction: null,
    });
    expect(root.memory).toEqual({
      currentBytes: 3 * GiB + 6 * GiB + 700 * MiB + 12 * MiB,
      maxBytes: null,
      highBytes: null,
      swapCurrentBytes: null,
      anonBytes: 3 * GiB,
      fileBytes: 6 * GiB,
      kernelBytes: 700 * MiB,
      sockBytes: 12 * MiB,
      shmemBytes: 64 * MiB,
      events: { low: 0, high: 0, max: 0, oom: 0, oomKill: 0 },
    });
    expect(root.pids).toBeNull();
    expect(root.io.map((d) => d.devNumber)).toEqual(['259:0', '253:0']);
    expect(root.io[0]).toMatchObject({
      readBytes: 52_428_800_000,
      writeBytes: 209_715_200_000,
      discardBytes: 1_073_741_824,
    });
    expect(root.pressure.cpu?.some).toEqual({
      avg10: 1.25,
      avg60: 0.92,
      avg300: 0.81,
      totalSeconds: 182.734511,
    });
    expect(root.pressure.io?.full?.avg10).toBe(0.2);
  });

  it('v2-containers: a Docker container with limits, throttling, memory events, IO and pids', async () => {
    const docker = group(await collect(V2), `/system.slice/docker-${DOCKER_V2}.scope`);
    expect(docker).toEqual({
      path: `/system.slice/docker-${DOCKER_V2}.scope`,
      kind: 'container',
      name: '89c866da4e4b',
      attribution: {
        containerId: DOCKER_V2,
        runtime: 'docker',
        podUid: null,
        qosClass: null,
        systemdUnit: null,
      },
      cpu: {
        usageSeconds: 123.13,
        userSeconds: 73.11,
        systemSeconds: 50.02,
        periods: 4210,
        throttledPeriods: 371,
        throttledSeconds: 18.29,
        limitCores: 1.5,
        usageCores: null,
        throttledFraction: null,
      },
      memory: {
        currentBytes: 6 * MiB + 24 * MiB + 2 * MiB + 4096,
        maxBytes: 536870912,
        highBytes: 402653184,
        swapCurrentBytes: 1310720,
        anonBytes: 6 * MiB,
        fileBytes: 24 * MiB,
        kernelBytes: 2 * MiB,
        sockBytes: 4096,
        shmemBytes: 8192,
        events: { low: 0, high: 12, max: 3, oom: 1, oomKill: 1 },
      },
      io: [
        {
          devNumber: '259:0',
          readBytes: 1048576,
          writeBytes: 4194304,
          readOps: 41,
          writeOps: 310,
          discardBytes: 0,
          discardOps: 0,
        },
      ],
      pids: { current: 3, max: 512 },
      pressure: {
        cpu: {
          some: { avg10: 4.17, avg60: 2.5, avg300: 1.12, totalSeconds: 20.411002 },
          full: { avg10: 0, avg60: 0, avg300: 0, totalSeconds: 2.0411 },
        },
        memory: {
          some: { avg10: 0, avg60: 0, avg300: 0, totalSeconds: 0.001002 },
          full: { avg10: 0, avg60: 0, avg300: 0, totalSeconds: 0.000501 },
        },
        io: {
          some: { avg10: 0, avg60: 0.01, avg300: 0, totalSeconds: 0.0551 },
          full: { avg10: 0, avg60: 0.01, avg300: 0, totalSeconds: 0.02755 },
        },
      },
    });
  });

  it('v2-containers: pods by UID with their QoS class, limits from cpu.max and memory.max', async () => {
    const data = await collect(V2);
    expect(group(data, BURST_POD)).toMatchObject({
      kind: 'pod',
      name: BURST_POD_UID,
      attribution: { podUid: BURST_POD_UID, qosClass: 'burstable', containerId: null, runtime: null },
      cpu: { limitCores: 2, periods: 900_000, throttledPeriods: 12_345 },
      memory: { maxBytes: 1073741824 },
      pids: { current: 44, max: null },
    });
    expect(group(data, GUARANTEED_POD)).toMatchObject({
      kind: 'pod',
      attribution: { qosClass: 'guaranteed' },
      cpu: { limitCores: 1 },
      memory: { maxBytes: 268435456 },
    });
    const conmon = data.groups.find((g) => g.path.includes('libpod-conmon-'));
    expect(conmon?.attribution).toMatchObject({ runtime: 'podman', containerId: null });
  });

  it('v2-containers: maxDepth bounds units, never containers or pods', async () => {
    const data = await collect(V2, { maxDepth: 1 });
    const units = data.groups.filter((g) => g.kind === 'slice' || g.kind === 'service' || g.kind === 'scope');
    expect(units.map((g) => g.path)).toEqual([
      '/init.scope',
      '/kubepods.slice',
      '/machine.slice',
      '/system.slice',
      '/user.slice',
    ]);
    expect(data.groups.filter((g) => g.kind === 'container')).toHaveLength(7);
    expect(data.groups.filter((g) => g.kind === 'pod')).toHaveLength(3);
    const rootOnly = await collect(V2, { maxDepth: 0 });
    expect(
      rootOnly.groups.filter((g) => g.kind !== 'container' && g.kind !== 'pod').map((g) => g.path),
    ).toEqual(['/']);
  });

  it('hybrid-v1v2: reads the unified mount, where only core files exist (no controllers)', async () => {
    const data = await collect(path.join(FIXTURES, 'hybrid-v1v2'));
    expect(data.mode).toBe('hybrid');
    expect(data.mountPoint).toBe('/sys/fs/cgroup/unified');
    expect(data.groups.map((g) => g.path)).toEqual([
      '/',
      `/docker/${DOCKER_HYBRID}`,
      '/init.scope',
      '/system.slice',
      '/system.slice/cron.service',
      '/system.slice/docker.service',
      '/system.slice/ssh.service',
      '/user.slice',
      '/user.slice/user-1001.slice',
      '/user.slice/user-1001.slice/session-4.scope',
    ]);
    const root = group(data, '/');
    expect(root.cpu).toMatchObject({
      usageSeconds: 12_771.004,
      periods: null,
      throttledSeconds: null,
      limitCores: null,
    });
    expect(root).toMatchObject({
      memory: null,
      io: [],
      pids: null,
      pressure: { cpu: null, memory: null, io: null },
    });
    const nginx = group(data, `/docker/${DOCKER_HYBRID}`);
    expect(nginx).toMatchObject({
      kind: 'container',
      name: 'f6c1d20a3e62',
      attribution: { containerId: DOCKER_HYBRID, runtime: 'docker' },
      cpu: { usageSeconds: 293.13, userSeconds: 203.12, periods: null },
      memory: null,
      pids: null,
    });
    // cpu `full` is absent before Linux 5.13.
    expect(nginx.pressure.cpu).toEqual({
      some: { avg10: 0.52, avg60: 0.31, avg300: 0.12, totalSeconds: 1.52 },
      full: null,
    });
    expect(nginx.pressure.io?.full?.totalSeconds).toBe(0.077);
  });

  it('no-psi: unsupported on a cgroup v1-only host, with the reason', async () => {
    const outcome = await createCgroupsCollector().collect(context(path.join(FIXTURES, 'no-psi')));
    expect(outcome.kind).toBe('unsupported');
    expect(outcome.kind === 'unsupported' && outcome.reason).toMatch(
      /cgroup v1 only.*systemd\.unified_cgroup_hierarchy=1/,
    );
  });

  it('nvme-dm-md: systemd-nspawn and LXC containers by name, units nested in them, monitors skipped', async () => {
    const data = await collect(path.join(FIXTURES, 'nvme-dm-md'));
    expect(data.mode).toBe('v2');
    const paths = data.groups.map((g) => g.path);
    expect(paths).toContain('/system.slice/system-postgresql.slice/postgresql@15-main.service');
    expect(paths).not.toContain('/lxc.monitor.web1');
    expect(paths).not.toContain(`${NSPAWN}/payload`);
    expect(paths).not.toContain(`${NSPAWN}/supervisor`);
    expect(group(data, NSPAWN)).toMatchObject({
      kind: 'container',
      name: 'debian-test',
      attribution: { containerId: 'debian-test', runtime: 'systemd-nspawn' },
      cpu: { limitCores: 2 },
      memory: { maxBytes: 4294967296 },
      pids: { current: 12, max: 16384 },
    });
    expect(group(data, '/lxc.payload.web1')).toMatchObject({
      kind: 'container',
      name: 'web1',
      memory: { maxBytes: 8589934592, swapCurrentBytes: 4096 },
      pids: { current: 17, max: null },
      io: [{ devNumber: '253:1', readBytes: 81_920_000, writeBytes: 40_960_000 }],
    });
    expect(group(data, '/lxc.payload.web1/init.scope')).toMatchObject({
      kind: 'scope',
      attribution: { containerId: 'web1', runtime: 'lxc', systemdUnit: null },
    });
    const postgres = group(data, '/system.slice/system-postgresql.slice/postgresql@15-main.service');
    expect(postgres.memory).toMatchObject({
      currentBytes: GiB + 28 * GiB + 280 * MiB,
      maxBytes: null,
      highBytes: 34359738368,
      kernelBytes: 280 * MiB,
      shmemBytes: 512 * MiB,
      events: { high: 4 },
    });
    expect(postgres.pressure.io?.some?.avg10).toBe(4.75);
    expect(group(data, '/').io.map((d) => d.devNumber)).toEqual([
      '259:0',
      '253:0',
      '253:1',
      '9:0',
      '8:0',
      '8:16',
    ]);
  });
});

describe('cgroups collector rates and failures', () => {
  const DOCKER_DIR = `sys/fs/cgroup/system.slice/docker-${DOCKER_V2}.scope`;

  it('computes usage in cores and the throttled share of periods between samples, keyed by path', async () => {
    const root = copyTree('v2-containers');
    const clock = new ManualClock();
    const collector = createCgroupsCollector();
    await collector.collect(context(root, clock));

    editKeyed(path.join(root, DOCKER_DIR, 'cpu.stat'), {
      usage_usec: (v) => v + 3_000_000,
      nr_periods: (v) => v + 20,
      nr_throttled: (v) => v + 5,
    });
    editKeyed(path.join(root, 'sys/fs/cgroup/system.slice/ssh.service/cpu.stat'), { usage_usec: () => 1 });
    mkdirSync(path.join(root, 'sys/fs/cgroup/system.slice/cron.service'));
    cpSync(
      path.join(root, 'sys/fs/cgroup/system.slice/ssh.service/cpu.stat'),
      path.join(root, 'sys/fs/cgroup/system.slice/cron.service/cpu.stat'),
    );
    clock.advance(2000);

    const outcome = await collector.collect(context(root, clock));
    if (outcome.kind !== 'ok') throw new Error('expected ok');
    const docker = group(outcome.data, `/system.slice/docker-${DOCKER_V2}.scope`);
    expect(docker.cpu?.usageCores).toBe(1.5);
    expect(docker.cpu?.throttledFraction).toBe(0.25);
    // Unchanged: zero use, and no periods elapsed means no throttling.
    const journald = group(outcome.data, '/system.slice/systemd-journald.service');
    expect(journald.cpu).toMatchObject({ usageCores: 0, throttledFraction: 0 });
    // A counter that went back (cgroup recreated under the same path) and a new cgroup: unknown.
    expect(group(outcome.data, '/system.slice/ssh.service').cpu?.usageCores).toBeNull();
    expect(group(outcome.data, '/system.slice/cron.service').cpu?.usageCores).toBeNull();
  });

  it('forgets a cgroup that disappeared, so it starts over when a new one takes its path', async () => {
    const root = copyTree('v2-containers');
    const clock = new ManualClock();
    const collector = createCgroupsCollector();
    await collector.collect(context(root, clock));
    const saved = path.join(root, 'saved-docker');
    cpSync(path.join(root, DOCKER_DIR), saved, { recursive: true });
    rmSync(path.join(root, DOCKER_DIR), { recursive: true });
    clock.advance(1000);
    const without = await collector.collect(context(root, clock));
    expect(
      without.kind === 'ok' &&
        without.data.groups.some((g) => g.kind === 'container' && g.name === '89c866da4e4b'),
    ).toBe(false);

    cpSync(saved, path.join(root, DOCKER_DIR), { recursive: true });
    editKeyed(path.join(root, DOCKER_DIR, 'cpu.stat'), { usage_usec: (v) => v + 1_000_000 });
    clock.advance(1000);
    const back = await collector.collect(context(root, clock));
    if (back.kind !== 'ok') throw new Error('expected ok');
    expect(group(back.data, `/system.slice/docker-${DOCKER_V2}.scope`).cpu?.usageCores).toBeNull();
  });

  it('falls back to <proc>/self/mountinfo and fails with the path when no mountinfo is readable', async () => {
    const root = copyTree('v2-containers');
    mkdirSync(path.join(root, 'proc/self'));
    cpSync(path.join(root, 'proc/1/mountinfo'), path.join(root, 'proc/self/mountinfo'));
    rmSync(path.join(root, 'proc/1/mountinfo'));
    expect((await collect(root)).groups.length).toBeGreaterThan(10);
    rmSync(path.join(root, 'proc/self/mountinfo'));
    await expect(createCgroupsCollector().collect(context(root))).rejects.toThrow(/proc\/self\/mountinfo/);
  });

  it('fails, naming the path, when the cgroup2 mount from mountinfo is not visible through the roots', async () => {
    const root = copyTree('v2-containers');
    rmSync(path.join(root, 'sys/fs/cgroup'), { recursive: true });
    await expect(createCgroupsCollector().collect(context(root))).rejects.toThrow(
      /sys\/fs\/cgroup\/cgroup\.controllers: cgroup2 is mounted at \/sys\/fs\/cgroup/,
    );
  });

  it('stops when the collection is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const ctx = { ...context(path.join(FIXTURES, 'v2-containers')), signal: controller.signal };
    await expect(createCgroupsCollector().collect(ctx)).rejects.toThrow(/aborted/);
  });
});

describe('cgroups collector on the live host', () => {
  it.runIf(process.platform === 'linux')('reports the root cgroup, or says the host is v1 only', async () => {
    const collector = createCgroupsCollector();
    const ctx: CollectContext = {
      roots: resolveHostRoots({}, {}),
      clock: systemClock,
      signal: new AbortController().signal,
    };
    const first = await collector.collect(ctx);
    if (first.kind === 'unsupported') {
      expect(first.reason).toMatch(/cgroup v1 only/);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const outcome = await collector.collect(ctx);
    if (outcome.kind !== 'ok') throw new Error('expected ok');
    const { groups, mode, mountPoint } = outcome.data;
    expect(['v2', 'hybrid']).toContain(mode);
    expect(mountPoint).toMatch(/^\//);
    expect(groups[0]).toMatchObject({ path: '/', kind: 'root', name: '/' });
    expect(new Set(groups.map((g) => g.path)).size).toBe(groups.length);
    const rootCpu = groups[0]?.cpu;
    if (rootCpu !== null && rootCpu !== undefined) {
      expect(rootCpu.usageSeconds).toBeGreaterThan(0);
      expect(rootCpu.usageCores).not.toBeNull();
      expect(rootCpu.usageCores ?? -1).toBeGreaterThanOrEqual(0);
    }
  });
});
