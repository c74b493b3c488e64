import type { DiskDevice, FilesystemMount, Snapshot } from '@sysray/proto';
import { sectionData } from '@sysray/proto';
import { formatBytes } from './format.js';

/** One node of the storage stack: a disk, a partition, or a device built on others (dm, md). */
export interface StorageNode {
  readonly name: string;
  readonly displayName: string;
  readonly kind: string;
  readonly sizeBytes: number | null;
  readonly model: string | null;
  readonly mounts: readonly { readonly mountPoint: string; readonly fsType: string }[];
  readonly children: readonly StorageNode[];
}

export interface Inventory {
  readonly host: {
    readonly name: string;
    readonly id: string | null;
    readonly os: string | null;
    readonly kernel: string | null;
    readonly arch: string | null;
    readonly virtualization: string | null;
  };
  readonly cpu: {
    readonly model: string | null;
    readonly logical: number | null;
    readonly physicalCores: number | null;
    readonly sockets: number | null;
    readonly maxFrequencyHz: number | null;
  };
  readonly memory: {
    readonly totalBytes: number | null;
    readonly swapTotalBytes: number | null;
    readonly hugepages: number | null;
  };
  readonly storage: readonly StorageNode[];
  readonly interfaces: readonly {
    readonly name: string;
    readonly kind: string;
    readonly state: string;
    readonly macAddress: string | null;
    readonly speedBitsPerSec: number | null;
    readonly mtu: number | null;
  }[];
}

function mountsFor(names: readonly string[], mounts: readonly FilesystemMount[]): StorageNode['mounts'] {
  const wanted = new Set(names.map((n) => `/dev/${n}`).concat(names.map((n) => `/dev/mapper/${n}`)));
  return mounts
    .filter((m) => wanted.has(m.device))
    .map((m) => ({ mountPoint: m.mountPoint, fsType: m.fsType }));
}

/**
 * Builds the storage stack from the disks section: whole disks at the top, their partitions below, and
 * devices that sit on a disk or partition (LVM on a partition, md on two disks) below what they sit on.
 * A device built on several (md RAID) appears under each of them, as `lsblk` shows it.
 */
export function buildStorageTree(
  devices: readonly DiskDevice[],
  mounts: readonly FilesystemMount[],
): StorageNode[] {
  const builtOn = (base: string): DiskDevice[] => devices.filter((d) => d.slaves.includes(base));
  const seen = new Set<string>();
  const node = (device: DiskDevice, depth: number): StorageNode => {
    seen.add(device.name);
    const children: StorageNode[] = [];
    if (depth < 8) {
      for (const partition of device.partitions) {
        children.push({
          name: partition,
          displayName: partition,
          kind: 'part',
          sizeBytes: null,
          model: null,
          mounts: mountsFor([partition], mounts),
          children: builtOn(partition).map((d) => node(d, depth + 1)),
        });
      }
      for (const holder of builtOn(device.name)) children.push(node(holder, depth + 1));
    }
    return {
      name: device.name,
      displayName: device.displayName,
      kind: device.kind,
      sizeBytes: device.sizeBytes,
      model: device.model,
      mounts: mountsFor([device.name, device.displayName], mounts),
      children,
    };
  };
  const roots = devices.filter((d) => d.slaves.length === 0).map((d) => node(d, 0));
  // Anything not reached (its base filtered out) still shows, at top level.
  for (const device of devices) if (!seen.has(device.name)) roots.push(node(device, 0));
  return roots;
}

export function buildInventory(snapshot: Snapshot): Inventory {
  const system = sectionData(snapshot.sections.system);
  const cpu = sectionData(snapshot.sections.cpu);
  const memory = sectionData(snapshot.sections.memory);
  const disks = sectionData(snapshot.sections.disks);
  const filesystems = sectionData(snapshot.sections.filesystems);
  const network = sectionData(snapshot.sections.network);
  const frequencies = (cpu?.cores ?? []).map((c) => c.frequencyHz).filter((f): f is number => f !== null);
  return {
    host: {
      name: snapshot.host.name,
      id: snapshot.host.id,
      os: system?.os.prettyName ?? null,
      kernel: system?.kernelRelease ?? null,
      arch: system?.arch ?? null,
      virtualization: system?.virtualization ?? null,
    },
    cpu: {
      model: system?.cpuModel ?? null,
      logical: system?.logicalCpus ?? cpu?.logicalCpus ?? null,
      physicalCores: system?.physicalCores ?? null,
      sockets: system?.sockets ?? null,
      maxFrequencyHz: frequencies.length > 0 ? Math.max(...frequencies) : null,
    },
    memory: {
      totalBytes: memory?.totalBytes ?? null,
      swapTotalBytes: memory?.swap.totalBytes ?? null,
      hugepages: memory?.hugepages.total ?? null,
    },
    storage: buildStorageTree(disks?.devices ?? [], filesystems?.mounts ?? []),
    interfaces: (network?.interfaces ?? []).map((i) => ({
      name: i.name,
      kind: i.kind,
      state: i.state,
      macAddress: i.macAddress,
      speedBitsPerSec: i.speedBitsPerSec,
      mtu: i.mtu,
    })),
  };
}

function storageLines(nodes: readonly StorageNode[], prefix: string, top: boolean, out: string[]): void {
  nodes.forEach((n, index) => {
    const last = index === nodes.length - 1;
    const branch = top ? '  ' : last ? '└─ ' : '├─ ';
    const label = n.displayName === n.name ? n.name : `${n.name} (${n.displayName})`;
    const details = [n.kind, n.sizeBytes === null ? '' : formatBytes(n.sizeBytes), n.model ?? '']
      .concat(n.mounts.map((m) => `${m.mountPoint} [${m.fsType}]`))
      .filter((s) => s !== '')
      .join('  ');
    out.push(`${prefix}${branch}${label}  ${details}`);
    storageLines(n.children, top ? `${prefix}  ` : `${prefix}${last ? '   ' : '│  '}`, false, out);
  });
}

export function renderInventory(inventory: Inventory): string[] {
  const h = inventory.host;
  const out = [
    `host      ${h.name}${h.id ? `  (id ${h.id})` : ''}`,
    `os        ${h.os ?? '-'}  kernel ${h.kernel ?? '-'}  ${h.arch ?? ''}${h.virtualization ? `  virtualization ${h.virtualization}` : ''}`,
    `cpu       ${inventory.cpu.model ?? '-'}  ${inventory.cpu.logical ?? '?'} logical, ${inventory.cpu.physicalCores ?? '?'} cores, ${inventory.cpu.sockets ?? '?'} sockets${inventory.cpu.maxFrequencyHz ? `  up to ${(inventory.cpu.maxFrequencyHz / 1e9).toFixed(2)} GHz` : ''}`,
    `memory    ${formatBytes(inventory.memory.totalBytes)}  swap ${formatBytes(inventory.memory.swapTotalBytes)}`,
    '',
    'storage',
  ];
  storageLines(inventory.storage, '', true, out);
  out.push('', 'interfaces');
  for (const i of inventory.interfaces) {
    const speed = i.speedBitsPerSec === null ? '' : `  ${i.speedBitsPerSec / 1e6} Mb/s`;
    out.push(
      `  ${i.name.padEnd(16)} ${i.kind.padEnd(9)} ${i.state.padEnd(8)} ${i.macAddress ?? '-'}  mtu ${i.mtu ?? '-'}${speed}`,
    );
  }
  return out;
}
