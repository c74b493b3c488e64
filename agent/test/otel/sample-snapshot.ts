import {
  SNAPSHOT_SCHEMA_VERSION,
  sectionError,
  sectionOk,
  sectionUnsupported,
  type CgroupInfo,
  type CpuCore,
  type CpuTimes,
  type CpuUtilization,
  type DiskDevice,
  type GpuData,
  type GpuDevice,
  type NetProcessesData,
  type NetworkInterface,
  type PressureResource,
  type ProcessInfo,
  type SectionError,
  type SectionName,
  type SectionUnsupported,
  type Sections,
  type SensorsData,
  type Snapshot,
  type TcpState,
} from '@sysray/proto';

/**
 * A realistic Snapshot of `k8s-node-1` (the v2-containers fixture host: Ubuntu 24.04, Linux 6.8, 8 CPUs,
 * 16 GiB) with every section ok and every optional field filled, so the mapping emits every catalog
 * metric. Numbers are plausible and distinct so tests can find each one in the output.
 */

export const SAMPLE_TIME_MS = 1_763_786_400_000; // 2025-11-22T04:40:00Z
const TIMING = { collectedAt: SAMPLE_TIME_MS - 5, durationMs: 12 };
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

const DOCKER_ID = '3f4e1c0d9b2a7e6f5d4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a291807f6e';
const CRIO_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const POD_UID = '8f0c2f0e-3c1b-4c59-9a51-0e6b1c1f2a3b';

function cpuTimes(scale: number): CpuTimes {
  return {
    user: 1200.5 * scale,
    nice: 3.25 * scale,
    system: 410.75 * scale,
    idle: 86000 * scale,
    iowait: 55.5 * scale,
    irq: 0,
    softirq: 12.25 * scale,
    steal: 1.5 * scale,
    guest: 0,
    guestNice: 0,
  };
}

const UTILIZATION: CpuUtilization = {
  user: 0.25,
  nice: 0,
  system: 0.0625,
  idle: 0.625,
  iowait: 0.03125,
  irq: 0,
  softirq: 0.015625,
  steal: 0.015625,
  guest: 0,
  guestNice: 0,
  busy: 0.34375,
};

function core(cpu: number): CpuCore {
  return {
    cpu,
    times: cpuTimes(1 + cpu / 10),
    utilization: UTILIZATION,
    frequencyHz: 2_900_000_000 + cpu * 1_000_000,
  };
}

function pressure(avg10: number, total: number, full: boolean): PressureResource {
  return {
    some: { avg10, avg60: avg10 / 2, avg300: avg10 / 4, totalSeconds: total },
    full: full
      ? { avg10: avg10 / 10, avg60: avg10 / 20, avg300: avg10 / 40, totalSeconds: total / 10 }
      : null,
  };
}

function tcpStates(scale: number): { readonly [K in TcpState]: number } {
  return {
    established: 42 * scale,
    syn_sent: 1,
    syn_recv: 2,
    fin_wait1: 0,
    fin_wait2: 1,
    time_wait: 17 * scale,
    close: 0,
    close_wait: 3,
    last_ack: 0,
    listen: 9 * scale,
    closing: 0,
    new_syn_recv: 1,
  };
}

function nic(name: string, kind: string, rxBytes: number): NetworkInterface {
  return {
    name,
    state: 'up',
    speedBitsPerSec: kind === 'physical' ? 10_000_000_000 : null,
    mtu: name === 'flannel.1' ? 1450 : 1500,
    macAddress: '02:42:ac:11:00:02',
    kind,
    counters: {
      rxBytes,
      txBytes: Math.round(rxBytes / 3),
      rxPackets: Math.round(rxBytes / 1000),
      txPackets: Math.round(rxBytes / 3000),
      rxErrors: 2,
      txErrors: 1,
      rxDrops: 7,
      txDrops: 0,
      rxMulticast: 11,
      collisions: 0,
    },
    rates: null,
  };
}

function makeProcess(overrides: Partial<ProcessInfo> & Pick<ProcessInfo, 'pid' | 'name'>): ProcessInfo {
  return {
    ppid: 1,
    command: overrides.name,
    uid: 0,
    user: 'root',
    state: 'S',
    userSeconds: 10,
    systemSeconds: 2,
    cpuPercent: 12.5,
    cpuPercentNormalized: 1.5625,
    rssBytes: 64 * MiB,
    virtualBytes: 1 * GiB,
    swapBytes: 0,
    threads: 4,
    openFds: 32,
    ioReadBytes: 4096,
    ioWriteBytes: 8192,
    ioReadBytesPerSec: 0,
    ioWriteBytesPerSec: 0,
    startTime: 1_763_700_000 + 60,
    cgroupPath: '/system.slice',
    container: null,
    ...overrides,
  };
}

export const SAMPLE_PROCESSES: readonly ProcessInfo[] = [
  makeProcess({
    pid: 5150,
    name: 'java',
    command: 'java -Xmx2g -jar /app/service.jar --password=hunter2',
    user: 'app',
    uid: 1000,
    userSeconds: 3605.25,
    systemSeconds: 120.5,
    cpuPercentNormalized: 25,
    rssBytes: 1536 * MiB,
    virtualBytes: 6 * GiB,
    swapBytes: 12 * MiB,
    threads: 87,
    openFds: 211,
    ioReadBytes: 52_428_800,
    ioWriteBytes: 10_485_760,
    startTime: 1_763_700_000 + 3600,
    cgroupPath: `/system.slice/docker-${DOCKER_ID}.scope`,
    container: {
      containerId: DOCKER_ID,
      runtime: 'docker',
      podUid: null,
      qosClass: null,
      systemdUnit: null,
    },
  }),
  makeProcess({
    pid: 5230,
    name: 'nginx',
    command: 'nginx: worker process',
    user: 'www-data',
    uid: 33,
    cgroupPath: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_UID.replace(/-/g, '_')}.slice/crio-${CRIO_ID}.scope`,
    container: {
      containerId: CRIO_ID,
      runtime: 'cri-o',
      podUid: POD_UID,
      qosClass: 'burstable',
      systemdUnit: null,
    },
  }),
  makeProcess({
    pid: 812,
    name: 'containerd',
    command: '/usr/bin/containerd',
    // Another user's process without CAP_SYS_PTRACE: /proc/[pid]/io and fd unreadable, first sight.
    ioReadBytes: null,
    ioWriteBytes: null,
    openFds: null,
    cpuPercent: null,
    cpuPercentNormalized: null,
    swapBytes: null,
    cgroupPath: '/system.slice/containerd.service',
    container: {
      containerId: null,
      runtime: null,
      podUid: null,
      qosClass: null,
      systemdUnit: 'containerd.service',
    },
  }),
];

function cgroup(overrides: Partial<CgroupInfo> & Pick<CgroupInfo, 'path' | 'kind' | 'name'>): CgroupInfo {
  return {
    attribution: { containerId: null, runtime: null, podUid: null, qosClass: null, systemdUnit: null },
    cpu: {
      usageSeconds: 500,
      userSeconds: 400,
      systemSeconds: 100,
      periods: null,
      throttledPeriods: null,
      throttledSeconds: null,
      limitCores: null,
      usageCores: 0.5,
      throttledFraction: null,
    },
    memory: {
      currentBytes: 256 * MiB,
      maxBytes: null,
      highBytes: null,
      swapCurrentBytes: 0,
      anonBytes: 128 * MiB,
      fileBytes: 100 * MiB,
      kernelBytes: 8 * MiB,
      sockBytes: 1 * MiB,
      shmemBytes: 2 * MiB,
      events: { low: 0, high: 0, max: 0, oom: 0, oomKill: 0 },
    },
    io: [],
    pids: { current: 12, max: null },
    pressure: { cpu: null, memory: null, io: null },
    ...overrides,
  };
}

export const SAMPLE_CGROUPS: readonly CgroupInfo[] = [
  cgroup({
    path: `/system.slice/docker-${DOCKER_ID}.scope`,
    kind: 'container',
    name: DOCKER_ID.slice(0, 12),
    attribution: {
      containerId: DOCKER_ID,
      runtime: 'docker',
      podUid: null,
      qosClass: null,
      systemdUnit: null,
    },
    cpu: {
      usageSeconds: 3725.75,
      userSeconds: 3605.25,
      systemSeconds: 120.5,
      periods: 91_000,
      throttledPeriods: 1_250,
      throttledSeconds: 42.125,
      limitCores: 2,
      usageCores: 1.75,
      throttledFraction: 0.0125,
    },
    memory: {
      currentBytes: 1800 * MiB,
      maxBytes: 2 * GiB,
      highBytes: null,
      swapCurrentBytes: 16 * MiB,
      anonBytes: 1500 * MiB,
      fileBytes: 250 * MiB,
      kernelBytes: 30 * MiB,
      sockBytes: 4 * MiB,
      shmemBytes: 1 * MiB,
      events: { low: 0, high: 3, max: 14, oom: 1, oomKill: 1 },
    },
    io: [
      {
        devNumber: '259:0',
        readBytes: 52_428_800,
        writeBytes: 10_485_760,
        readOps: 1_200,
        writeOps: 640,
        discardBytes: 0,
        discardOps: 0,
      },
    ],
    pids: { current: 88, max: 4096 },
    pressure: {
      cpu: pressure(4.5, 321.5, true),
      memory: pressure(0.5, 12.25, true),
      io: pressure(1.25, 45, true),
    },
  }),
  cgroup({
    path: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_UID.replace(/-/g, '_')}.slice`,
    kind: 'pod',
    name: POD_UID,
    attribution: {
      containerId: null,
      runtime: null,
      podUid: POD_UID,
      qosClass: 'burstable',
      systemdUnit: null,
    },
  }),
  cgroup({
    path: '/system.slice/containerd.service',
    kind: 'service',
    name: 'containerd.service',
    attribution: {
      containerId: null,
      runtime: null,
      podUid: null,
      qosClass: null,
      systemdUnit: 'containerd.service',
    },
    // First sight: no interval yet.
    cpu: {
      usageSeconds: 900,
      userSeconds: 700,
      systemSeconds: 200,
      periods: null,
      throttledPeriods: null,
      throttledSeconds: null,
      limitCores: null,
      usageCores: null,
      throttledFraction: null,
    },
  }),
];

function disk(overrides: Partial<DiskDevice> & Pick<DiskDevice, 'name' | 'devNumber'>): DiskDevice {
  return {
    displayName: overrides.name,
    kind: 'nvme',
    sizeBytes: 512_110_190_592,
    rotational: false,
    model: 'Samsung SSD 980 PRO 512GB',
    partitions: [],
    slaves: [],
    holders: [],
    counters: {
      readsCompleted: 812_345,
      readsMerged: 10_234,
      readBytes: 25_769_803_776,
      readTimeSeconds: 321.456,
      writesCompleted: 1_523_456,
      writesMerged: 402_311,
      writeBytes: 61_203_283_968,
      writeTimeSeconds: 1234.5,
      ioInProgress: 2,
      ioTimeSeconds: 987.25,
      weightedIoTimeSeconds: 1600.125,
      discardsCompleted: 3_210,
      discardsMerged: 0,
      discardBytes: 107_374_182_400,
      discardTimeSeconds: 4.5,
      flushesCompleted: 45_678,
      flushTimeSeconds: 12.75,
    },
    rates: null,
    ...overrides,
  };
}

const NVIDIA_UUID = 'GPU-2b5a4c6e-8f1d-4e3a-9c7b-1a2d3e4f5a6b';

const GPU_BASE: Omit<GpuDevice, 'id' | 'vendor' | 'driver' | 'index'> = {
  name: null,
  pciBusId: null,
  pciId: null,
  sampledAt: SAMPLE_TIME_MS - 2_000,
  utilization: null,
  memoryBusy: null,
  memoryUsedBytes: null,
  memoryTotalBytes: null,
  temperatureCelsius: null,
  powerWatts: null,
  powerLimitWatts: null,
  energyJoules: null,
  coreClockHz: null,
  memoryClockHz: null,
  fanSpeedFraction: null,
  fanSpeedRpm: null,
  eccErrorsCorrected: null,
  eccErrorsUncorrected: null,
  migEnabled: null,
  migDevices: [],
  engines: [],
};

/** An NVIDIA A100 in MIG mode, an AMD card with a fan and fdinfo engines, and an Intel card with energy. */
export const SAMPLE_GPU: GpuData = {
  devices: [
    {
      ...GPU_BASE,
      id: NVIDIA_UUID,
      vendor: 'nvidia',
      driver: 'nvidia',
      index: 0,
      name: 'NVIDIA A100-SXM4-80GB',
      pciBusId: '0000:07:00.0',
      utilization: 0.87,
      memoryBusy: 0.41,
      memoryUsedBytes: 60 * GiB,
      memoryTotalBytes: 80 * GiB,
      temperatureCelsius: 64,
      powerWatts: 312.45,
      powerLimitWatts: 400,
      coreClockHz: 1_410_000_000,
      memoryClockHz: 1_593_000_000,
      fanSpeedFraction: 0.3,
      eccErrorsCorrected: 3,
      eccErrorsUncorrected: 1,
      migEnabled: true,
      migDevices: [
        { uuid: 'MIG-4f3e2d1c-0b9a-5876-9e5d-4c3b2a1f0e9d', profile: '3g.40gb', index: 0 },
        { uuid: 'MIG-8a7b6c5d-4e3f-5a2b-8c1d-0e9f8a7b6c5d', profile: '3g.40gb', index: 1 },
      ],
    },
    {
      ...GPU_BASE,
      id: '0000:03:00.0',
      vendor: 'amd',
      driver: 'amdgpu',
      index: 1,
      pciBusId: '0000:03:00.0',
      pciId: '1002:744c',
      utilization: 0.37,
      memoryBusy: 0.12,
      memoryUsedBytes: 8 * GiB,
      memoryTotalBytes: 24 * GiB,
      fanSpeedRpm: 1180,
      engines: [
        { engine: 'gfx', utilization: 0.35 },
        { engine: 'compute', utilization: 0.05 },
      ],
    },
    {
      ...GPU_BASE,
      id: '0000:00:02.0',
      vendor: 'intel',
      driver: 'i915',
      index: 0,
      pciBusId: '0000:00:02.0',
      pciId: '8086:a780',
      utilization: 0.2,
      energyJoules: 987_654.25,
      powerWatts: 18.5,
      coreClockHz: 1_450_000_000,
    },
  ],
  processes: [
    {
      pid: 4242,
      name: 'python',
      deviceId: NVIDIA_UUID,
      memoryBytes: 59.5 * GiB,
      utilization: 0.86,
      engines: [],
      memoryRegions: [],
      container: {
        containerId: CRIO_ID,
        runtime: 'cri-o',
        podUid: POD_UID,
        qosClass: 'burstable',
        systemdUnit: null,
      },
    },
  ],
  unavailable: {},
};

export const SAMPLE_SENSORS: SensorsData = {
  temperatures: [
    {
      id: 'coretemp/coretemp.0/temp1',
      chip: 'coretemp',
      chipId: 'coretemp/coretemp.0',
      sensor: 'temp1',
      label: 'Package id 0',
      celsius: 47.5,
      maxCelsius: 80,
      criticalCelsius: 100,
    },
  ],
  fans: [
    {
      id: 'nct6798/nct6775.656/fan2',
      chip: 'nct6798',
      chipId: 'nct6798/nct6775.656',
      sensor: 'fan2',
      label: null,
      rpm: 1047,
    },
  ],
  powerZones: [
    {
      id: 'intel-rapl:0',
      name: 'package-0',
      parent: null,
      energyJoules: 48_123.5,
      powerWatts: 65.25,
      unavailableReason: null,
    },
    {
      id: 'intel-rapl:0:1',
      name: 'dram',
      parent: 'intel-rapl:0',
      energyJoules: 9_876.5,
      powerWatts: 4.5,
      unavailableReason: null,
    },
  ],
  unavailable: {},
};

export const SAMPLE_NET_PROCESSES: NetProcessesData = {
  top: [
    {
      pid: 2467,
      name: 'nginx',
      container: {
        containerId: DOCKER_ID,
        runtime: 'docker',
        podUid: null,
        qosClass: null,
        systemdUnit: null,
      },
      tcpConnections: 42,
      udpSockets: 1,
      receivedBytes: 123_456_789,
      sentBytes: 987_654_321,
      receivedBytesPerSec: 12_345,
      sentBytesPerSec: 98_765,
    },
  ],
  totals: { tcpConnections: 57, udpSockets: 6, unattributedSockets: 2 },
  namespaces: [
    {
      inode: 4_026_531_840,
      host: true,
      pid: 1,
      processes: 180,
      container: null,
      interfaces: [],
      rxBytes: 0,
      txBytes: 0,
      rxBytesPerSec: null,
      txBytesPerSec: null,
    },
    {
      inode: 4_026_532_581,
      host: false,
      pid: 2460,
      processes: 3,
      container: {
        containerId: DOCKER_ID,
        runtime: 'docker',
        podUid: null,
        qosClass: null,
        systemdUnit: null,
      },
      interfaces: [
        {
          name: 'eth0',
          rxBytes: 7_654_321,
          txBytes: 123_456_789,
          rxPackets: 54_321,
          txPackets: 98_765,
          rxDrops: 3,
          txDrops: 0,
          rxBytesPerSec: 1_024,
          txBytesPerSec: 4_096,
        },
      ],
      rxBytes: 7_654_321,
      txBytes: 123_456_789,
      rxBytesPerSec: 1_024,
      txBytesPerSec: 4_096,
    },
  ],
  unavailable: {},
};

export function sampleSections(): Sections {
  return {
    system: sectionOk(
      {
        hostname: 'k8s-node-1',
        hostId: '4c4c4544004b3510804bb2c04f503232',
        osType: 'linux',
        os: { id: 'ubuntu', name: 'Ubuntu', versionId: '24.04', prettyName: 'Ubuntu 24.04.1 LTS' },
        kernelRelease: '6.8.0-45-generic',
        kernelVersion: '#45-Ubuntu SMP PREEMPT_DYNAMIC Fri Aug 30 12:02:04 UTC 2024',
        arch: 'amd64',
        bootTime: 1_763_700_000,
        uptimeSeconds: 86_400.25,
        cpuModel: 'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz',
        cpuVendor: 'GenuineIntel',
        logicalCpus: 8,
        physicalCores: 4,
        sockets: 1,
        virtualization: 'kvm',
      },
      TIMING,
    ),
    cpu: sectionOk(
      {
        logicalCpus: 8,
        times: cpuTimes(8),
        utilization: UTILIZATION,
        cores: Array.from({ length: 8 }, (_, cpu) => core(cpu)),
        load: { load1: 2.5, load5: 1.75, load15: 1.25 },
        counters: {
          contextSwitches: 987_654_321,
          interrupts: 123_456_789,
          softInterrupts: 45_678_901,
          forks: 345_678,
        },
        rates: { contextSwitchesPerSec: 5000, interruptsPerSec: 3000, forksPerSec: 4 },
        procsRunning: 3,
        procsBlocked: 1,
      },
      TIMING,
    ),
    memory: sectionOk(
      {
        totalBytes: 16 * GiB,
        availableBytes: 10 * GiB,
        freeBytes: 4 * GiB,
        usedBytes: 6 * GiB,
        buffersBytes: 256 * MiB,
        cachedBytes: 5 * GiB,
        sharedBytes: 300 * MiB,
        slabReclaimableBytes: 400 * MiB,
        slabUnreclaimableBytes: 150 * MiB,
        dirtyBytes: 2 * MiB,
        writebackBytes: 0,
        usedFraction: 0.375,
        hugepages: { total: 64, free: 16, reserved: 4, surplus: 0, pageSizeBytes: 2 * MiB },
        swap: { totalBytes: 2 * GiB, freeBytes: 1536 * MiB, usedBytes: 512 * MiB, cachedBytes: 8 * MiB },
        paging: {
          pgfault: 5_000_000,
          pgmajfault: 12_345,
          pgpgin: 3_000_000,
          pgpgout: 7_000_000,
          pswpin: 2_048,
          pswpout: 4_096,
          pgscan: 250_000,
          pgsteal: 200_000,
          oomKill: 1,
        },
        pagingRates: null,
      },
      TIMING,
    ),
    disks: sectionOk(
      {
        devices: [
          disk({ name: 'nvme0n1', devNumber: '259:0', partitions: ['nvme0n1p1', 'nvme0n1p2', 'nvme0n1p3'] }),
          disk({
            name: 'sda',
            devNumber: '8:0',
            kind: 'scsi',
            rotational: true,
            model: 'ST4000NM0035',
            sizeBytes: 4_000_787_030_016,
          }),
        ],
      },
      TIMING,
    ),
    filesystems: sectionOk(
      {
        mounts: [
          {
            mountPoint: '/',
            device: '/dev/nvme0n1p2',
            fsType: 'ext4',
            devNumber: '259:2',
            readOnly: false,
            options: ['rw', 'relatime'],
            totalBytes: 100 * GiB,
            freeBytes: 40 * GiB,
            availableBytes: 35 * GiB,
            usedBytes: 60 * GiB,
            usedFraction: 60 / 95,
            inodesTotal: 6_553_600,
            inodesFree: 5_000_000,
            inodesUsed: 1_553_600,
            inodesUsedFraction: 1_553_600 / 6_553_600,
          },
          {
            mountPoint: '/boot/efi',
            device: '/dev/nvme0n1p1',
            fsType: 'vfat',
            devNumber: '259:1',
            readOnly: true,
            options: ['ro'],
            totalBytes: 512 * MiB,
            freeBytes: 500 * MiB,
            availableBytes: 500 * MiB,
            usedBytes: 12 * MiB,
            usedFraction: 12 / 512,
            inodesTotal: 0,
            inodesFree: 0,
            inodesUsed: 0,
            inodesUsedFraction: null,
          },
        ],
        failed: [{ mountPoint: '/mnt/nfs', fsType: 'nfs4', error: 'statfs timed out after 2000 ms' }],
      },
      TIMING,
    ),
    network: sectionOk(
      {
        interfaces: [
          nic('lo', 'loopback', 1_234_567),
          nic('eth0', 'physical', 98_765_432_100),
          nic('docker0', 'bridge', 5_000_000),
          nic('flannel.1', 'virtual', 7_000_000),
        ],
        tcp: { v4: tcpStates(1), v6: tcpStates(2) },
        udp: { v4Sockets: 12, v6Sockets: 4 },
        protocol: {
          tcpActiveOpens: 120_000,
          tcpPassiveOpens: 80_000,
          tcpAttemptFails: 1_500,
          tcpEstabResets: 2_200,
          tcpInSegs: 90_000_000,
          tcpOutSegs: 85_000_000,
          tcpRetransSegs: 45_000,
          tcpInErrs: 12,
          tcpOutRsts: 9_000,
          tcpListenOverflows: 5,
          tcpListenDrops: 7,
          tcpTimeouts: 3_300,
          udpInDatagrams: 4_000_000,
          udpOutDatagrams: 3_900_000,
          udpInErrors: 21,
          udpNoPorts: 640,
          udpRcvbufErrors: 18,
          udpSndbufErrors: 2,
        },
        protocolRates: null,
      },
      TIMING,
    ),
    processes: sectionOk(
      {
        counts: {
          total: 312,
          threads: 1_480,
          running: 3,
          sleeping: 250,
          blocked: 1,
          zombie: 2,
          stopped: 0,
          idle: 56,
        },
        sortedBy: 'cpu',
        top: SAMPLE_PROCESSES,
      },
      TIMING,
    ),
    cgroups: sectionOk({ mode: 'v2', mountPoint: '/sys/fs/cgroup', groups: SAMPLE_CGROUPS }, TIMING),
    pressure: sectionOk(
      {
        cpu: pressure(2.5, 1234.5, true),
        memory: pressure(0.75, 56.5, true),
        io: pressure(3.25, 789.25, true),
        irq: pressure(0.125, 9.5, false),
        unavailable: {},
      },
      TIMING,
    ),
    gpu: sectionOk(SAMPLE_GPU, TIMING),
    sensors: sectionOk(SAMPLE_SENSORS, TIMING),
    netProcesses: sectionOk(SAMPLE_NET_PROCESSES, TIMING),
  };
}

/** The sample Snapshot, with some sections replaced (`{ pressure: sectionError(...) }`). */
export function sampleSnapshot(overrides: Partial<Sections> = {}): Snapshot {
  return {
    schema: SNAPSHOT_SCHEMA_VERSION,
    timestamp: SAMPLE_TIME_MS,
    agent: { name: 'sysray', version: '0.1.0' },
    host: { name: 'k8s-node-1', id: '4c4c4544004b3510804bb2c04f503232' },
    sections: { ...sampleSections(), ...overrides },
  };
}

/** A failed section, as the scheduler records a collector that threw. */
export function failedSection(name: SectionName, message = `${name} collector failed: EIO`): SectionError {
  return sectionError(message, { collectedAt: SAMPLE_TIME_MS - 5, durationMs: 2_000 });
}

export function unsupportedSection(reason: string): SectionUnsupported {
  return sectionUnsupported(reason, { collectedAt: SAMPLE_TIME_MS - 5, durationMs: 1 });
}

export const SAMPLE_IDS = { DOCKER_ID, CRIO_ID, POD_UID } as const;
