import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FilesystemMount, FilesystemsData } from '@sysray/proto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_COLLECTORS_CONFIG } from '../../src/collectors/config.js';
import type { StatfsFunction, StatfsResult } from '../../src/collectors/filesystems.js';
import {
  createFilesystemsCollector,
  filesystemUsage,
  topMostMounts,
} from '../../src/collectors/filesystems.js';
import {
  isReadOnlyMount,
  parseMountInfo,
  parseMountInfoLine,
  unescapeMountField,
} from '../../src/collectors/mountinfo-parse.js';
import type { CollectOutcome } from '../../src/collectors/types.js';
import { ManualClock, systemClock } from '../../src/platform/clock.js';
import type { HostRoots } from '../../src/platform/host-roots.js';
import { hostPathToLocal, resolveHostRoots } from '../../src/platform/host-roots.js';

const fixture = (variant: string): string =>
  fileURLToPath(new URL(`../fixtures/${variant}`, import.meta.url));

function context(rootfs: string) {
  return {
    roots: resolveHostRoots({ rootfs }, {}),
    clock: new ManualClock(),
    signal: new AbortController().signal,
  };
}

function data(outcome: CollectOutcome<FilesystemsData>): FilesystemsData {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got unsupported: ${outcome.reason}`);
  return outcome.data;
}

function mount(fs: FilesystemsData, mountPoint: string): FilesystemMount {
  const found = fs.mounts.find((m) => m.mountPoint === mountPoint);
  if (found === undefined)
    throw new Error(`no mount ${mountPoint} in ${fs.mounts.map((m) => m.mountPoint).join(', ')}`);
  return found;
}

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sysray-fs-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  vi.useRealTimers();
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** 4 KiB blocks: 1000 total, 400 free, 200 available; 1000 inodes, 750 free. */
const STAT: StatfsResult = { bsize: 4096, blocks: 1000, bfree: 400, bavail: 200, files: 1000, ffree: 750 };

/**
 * A statfs that answers by host mount point (translated to the local path the collector must ask for), so a
 * test also proves the collector goes through hostPathToLocal. Unknown paths fail like the kernel would.
 */
function fakeStatfs(
  roots: HostRoots,
  table: Readonly<Record<string, StatfsResult | Promise<StatfsResult>>>,
  fallback: StatfsResult | null = STAT,
): StatfsFunction & { calls: string[] } {
  const byLocal = new Map(Object.entries(table).map(([mp, value]) => [hostPathToLocal(roots, mp), value]));
  const calls: string[] = [];
  const fn = async (local: string): Promise<StatfsResult> => {
    calls.push(local);
    const hit = byLocal.get(local);
    if (hit !== undefined) return hit;
    if (fallback !== null) return fallback;
    throw Object.assign(new Error(`ENOENT: no such file or directory, statfs '${local}'`), {
      code: 'ENOENT',
    });
  };
  return Object.assign(fn, { calls });
}

function collectorFor(
  rootfs: string,
  statfs: StatfsFunction,
  overrides: Partial<typeof DEFAULT_COLLECTORS_CONFIG.filesystems> = {},
) {
  return createFilesystemsCollector({ ...DEFAULT_COLLECTORS_CONFIG.filesystems, ...overrides, statfs });
}

describe('parseMountInfoLine', () => {
  it('parses the proc(5) example', () => {
    expect(
      parseMountInfoLine('36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue'),
    ).toEqual({
      mountId: 36,
      parentId: 35,
      devNumber: '98:0',
      root: '/mnt1',
      mountPoint: '/mnt2',
      mountOptions: ['rw', 'noatime'],
      optionalFields: ['master:1'],
      fsType: 'ext3',
      source: '/dev/root',
      superOptions: ['rw', 'errors=continue'],
    });
  });

  it('handles zero and several optional fields', () => {
    const none = parseMountInfoLine('27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard');
    expect(none?.optionalFields).toEqual([]);
    expect(none?.fsType).toBe('ext4');
    const many = parseMountInfoLine(
      '80 28 0:60 / /mnt/peer rw,relatime shared:40 master:12 propagate_from:3 unbindable - nfs4 srv:/x rw,vers=4.2',
    );
    expect(many?.optionalFields).toEqual(['shared:40', 'master:12', 'propagate_from:3', 'unbindable']);
    expect(many?.source).toBe('srv:/x');
    expect(many?.superOptions).toEqual(['rw', 'vers=4.2']);
  });

  it('decodes octal escapes in mount point, root and source', () => {
    const entry = parseMountInfoLine(
      '90 28 8:1 /data\\040dir /mnt/my\\040disk\\011tab\\012nl\\134bs rw - ext4 /dev/disk\\040by\\040label rw',
    );
    expect(entry?.mountPoint).toBe('/mnt/my disk\ttab\nnl\\bs');
    expect(entry?.root).toBe('/data dir');
    expect(entry?.source).toBe('/dev/disk by label');
  });

  it('keeps FUSE subtypes and a `-` mount point intact', () => {
    const entry = parseMountInfoLine('91 28 0:70 / /- rw - fuse.sshfs me@host:/home rw,user_id=1000');
    expect(entry?.mountPoint).toBe('/-');
    expect(entry?.fsType).toBe('fuse.sshfs');
  });

  it('rejects lines without the separator or with bad ids', () => {
    expect(parseMountInfoLine('36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 ext3 /dev/root rw')).toBeNull();
    expect(parseMountInfoLine('x 35 98:0 / /mnt rw - ext3 /dev/root rw')).toBeNull();
    expect(parseMountInfoLine('36 35 98 / /mnt rw - ext3 /dev/root rw')).toBeNull();
    expect(parseMountInfoLine('36 35 98:0 / /mnt rw -')).toBeNull();
    expect(parseMountInfoLine('garbage')).toBeNull();
  });
});

describe('parseMountInfo', () => {
  it('skips blank and garbage lines and keeps order', () => {
    const entries = parseMountInfo(
      [
        '28 1 259:2 / / rw - ext4 /dev/nvme0n1p2 rw',
        '',
        'not a mount',
        '60 28 259:1 / /boot rw - ext4 /dev/x rw',
        '',
      ].join('\n'),
    );
    expect(entries.map((e) => e.mountPoint)).toEqual(['/', '/boot']);
  });
});

describe('unescapeMountField', () => {
  it('decodes only three-digit octal escapes', () => {
    expect(unescapeMountField('a\\040b\\134c')).toBe('a b\\c');
    expect(unescapeMountField('plain/ünïcode')).toBe('plain/ünïcode');
    expect(unescapeMountField('trailing\\04')).toBe('trailing\\04');
  });
});

describe('isReadOnlyMount', () => {
  it('reads the per-mount flag and the superblock flag', () => {
    const rw = parseMountInfoLine('1 0 8:1 / / rw - ext4 /dev/sda1 rw')!;
    const roBind = parseMountInfoLine('2 1 8:1 /x /y ro,relatime - ext4 /dev/sda1 rw')!;
    // ext4 errors=remount-ro flips the superblock only; the per-mount field still says rw.
    const roSuper = parseMountInfoLine('3 1 8:2 / /z rw,relatime - ext4 /dev/sda2 ro,errors=remount-ro')!;
    expect([isReadOnlyMount(rw), isReadOnlyMount(roBind), isReadOnlyMount(roSuper)]).toEqual([
      false,
      true,
      true,
    ]);
  });
});

describe('topMostMounts', () => {
  it('keeps the last mount at a point, in the position of the first', () => {
    const entries = parseMountInfo(
      [
        '1 0 8:1 / / rw - ext4 /dev/sda1 rw',
        '2 1 8:2 / /mnt rw - ext4 /dev/sda2 rw',
        '3 1 8:3 / /srv rw - ext4 /dev/sda3 rw',
        '4 2 8:4 / /mnt rw - xfs /dev/sda4 rw',
      ].join('\n'),
    );
    expect(topMostMounts(entries).map((e) => [e.mountPoint, e.source])).toEqual([
      ['/', '/dev/sda1'],
      ['/mnt', '/dev/sda4'],
      ['/srv', '/dev/sda3'],
    ]);
  });
});

describe('filesystemUsage', () => {
  it('computes bytes, df used fraction and inodes', () => {
    expect(filesystemUsage(STAT)).toEqual({
      totalBytes: 4_096_000,
      freeBytes: 1_638_400,
      availableBytes: 819_200,
      usedBytes: 2_457_600,
      usedFraction: 0.75,
      inodesTotal: 1000,
      inodesFree: 750,
      inodesUsed: 250,
      inodesUsedFraction: 0.25,
    });
  });

  it('gives 0 used fraction for an empty filesystem and null inode fraction without inodes', () => {
    const usage = filesystemUsage({ bsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0 });
    expect(usage.usedFraction).toBe(0);
    expect(usage.inodesUsedFraction).toBeNull();
    expect(usage.inodesUsed).toBe(0);
  });
});

describe('filesystems collector on fixture trees', () => {
  it('v2-containers: pseudo filesystems left out, tmpfs kept, bind mounts each reported', async () => {
    const ctx = context(fixture('v2-containers'));
    const root: StatfsResult = {
      bsize: 4096,
      blocks: 15_728_640,
      bfree: 10_485_760,
      bavail: 9_699_328,
      files: 3_932_160,
      ffree: 3_500_000,
    };
    const statfs = fakeStatfs(ctx.roots, { '/': root });
    const fs = data(await collectorFor(fixture('v2-containers'), statfs).collect(ctx));
    expect(fs.mounts.map((m) => [m.mountPoint, m.fsType])).toEqual([
      ['/run', 'tmpfs'],
      ['/', 'ext4'],
      ['/boot/efi', 'vfat'],
      ['/var/lib/containerd', 'xfs'],
      ['/srv/nfs', 'nfs4'],
      ['/run/user/1000', 'tmpfs'],
      ['/var/lib/kubelet', 'xfs'],
      ['/srv/team share', 'xfs'],
    ]);
    expect(fs.failed).toEqual([]);
    expect(mount(fs, '/')).toEqual({
      mountPoint: '/',
      device: '/dev/nvme0n1p2',
      fsType: 'ext4',
      devNumber: '259:2',
      readOnly: false,
      options: ['rw', 'relatime'],
      totalBytes: 64_424_509_440,
      freeBytes: 42_949_672_960,
      availableBytes: 39_728_447_488,
      usedBytes: 21_474_836_480,
      usedFraction: 21_474_836_480 / (21_474_836_480 + 39_728_447_488),
      inodesTotal: 3_932_160,
      inodesFree: 3_500_000,
      inodesUsed: 432_160,
      inodesUsedFraction: 432_160 / 3_932_160,
    });
    expect(mount(fs, '/srv/nfs')).toMatchObject({
      device: '10.0.0.5:/export',
      readOnly: true,
      devNumber: '0:45',
    });
    // The same xfs (259:3) at three points: each mount is kept, with its own usage figures.
    expect(fs.mounts.filter((m) => m.devNumber === '259:3').map((m) => m.mountPoint)).toEqual([
      '/var/lib/containerd',
      '/var/lib/kubelet',
      '/srv/team share',
    ]);
    // statfs went to the decoded path under rootfs; nothing under /proc, /sys or /dev was asked.
    expect(statfs.calls).toContain(path.join(fixture('v2-containers'), 'srv', 'team share'));
    expect(statfs.calls).toHaveLength(8);
  });

  it('hybrid-v1v2: the cgroup tmpfs goes by mount point, a read-only bind mount is read-only', async () => {
    const ctx = context(fixture('hybrid-v1v2'));
    const fs = data(await collectorFor(fixture('hybrid-v1v2'), fakeStatfs(ctx.roots, {})).collect(ctx));
    expect(fs.mounts.map((m) => m.mountPoint)).toEqual(['/run', '/', '/home', '/mnt/backups']);
    expect(mount(fs, '/mnt/backups')).toMatchObject({
      device: '/dev/sdb1',
      devNumber: '8:17',
      readOnly: true,
    });
    expect(mount(fs, '/home').readOnly).toBe(false);
    expect(mount(fs, '/').device).toBe('/dev/sda1');
  });

  it('no-psi: Xen guest root and data disks', async () => {
    const ctx = context(fixture('no-psi'));
    const fs = data(await collectorFor(fixture('no-psi'), fakeStatfs(ctx.roots, {})).collect(ctx));
    expect(fs.mounts.map((m) => [m.mountPoint, m.device, m.devNumber])).toEqual([
      ['/run', 'tmpfs', '0:19'],
      ['/', '/dev/xvda1', '202:1'],
      ['/data', '/dev/xvdb', '202:16'],
    ]);
    expect(mount(fs, '/').options).toEqual(['rw', 'relatime']);
  });

  it('nvme-dm-md: over-mount keeps the top-most, squashfs left out, btrfs has no inode fraction', async () => {
    const ctx = context(fixture('nvme-dm-md'));
    const btrfs: StatfsResult = {
      bsize: 4096,
      blocks: 937_684_566,
      bfree: 900_000_000,
      bavail: 899_000_000,
      files: 0,
      ffree: 0,
    };
    const statfs = fakeStatfs(ctx.roots, { '/scratch': btrfs });
    const fs = data(await collectorFor(fixture('nvme-dm-md'), statfs).collect(ctx));
    expect(fs.mounts.map((m) => [m.mountPoint, m.device])).toEqual([
      ['/run', 'tmpfs'],
      ['/', '/dev/mapper/vg0-root'],
      ['/boot', '/dev/nvme0n1p1'],
      ['/var', '/dev/mapper/vg0-var'],
      ['/data', '/dev/md0'],
      ['/scratch', '/dev/nvme1n1'],
      ['/mnt/sd', '/dev/vda'],
    ]);
    expect(mount(fs, '/mnt/sd')).toMatchObject({ fsType: 'ext4', devNumber: '254:0' });
    expect(mount(fs, '/scratch')).toMatchObject({
      inodesTotal: 0,
      inodesUsedFraction: null,
      totalBytes: 937_684_566 * 4096,
    });
    expect(mount(fs, '/data').options).toEqual(['rw', 'relatime']);
  });

  it('applies configured filters', async () => {
    const ctx = context(fixture('nvme-dm-md'));
    const statfs = fakeStatfs(ctx.roots, {});
    const noTmpfs = data(
      await collectorFor(fixture('nvme-dm-md'), statfs, {
        fsTypes: { exclude: [...(DEFAULT_COLLECTORS_CONFIG.filesystems.fsTypes.exclude ?? []), 'tmpfs'] },
        mountPoints: { include: ['/', '/run', '/data', '/snap/.*'] },
      }).collect(ctx),
    );
    expect(noTmpfs.mounts.map((m) => m.mountPoint)).toEqual(['/', '/data']);
    const everything = data(
      await collectorFor(fixture('nvme-dm-md'), statfs, { fsTypes: {}, mountPoints: {} }).collect(ctx),
    );
    expect(everything.mounts.map((m) => m.mountPoint)).toContain('/snap/core/1');
    expect(mount(everything, '/snap/core/1').readOnly).toBe(true);
    expect(everything.mounts).toHaveLength(12);
  });
});

describe('filesystems collector failures', () => {
  it('lists a failing statfs in `failed` with its error and keeps the rest', async () => {
    const ctx = context(fixture('no-psi'));
    const statfs = fakeStatfs(ctx.roots, {
      '/data': Promise.reject(Object.assign(new Error('EIO: i/o error, statfs'), { code: 'EIO' })),
    });
    const fs = data(await collectorFor(fixture('no-psi'), statfs).collect(ctx));
    expect(fs.mounts.map((m) => m.mountPoint)).toEqual(['/run', '/']);
    expect(fs.failed).toEqual([{ mountPoint: '/data', fsType: 'xfs', error: 'EIO: i/o error, statfs' }]);
  });

  it('catches a statfs that throws synchronously', async () => {
    const ctx = context(fixture('no-psi'));
    const statfs: StatfsFunction = (local) => {
      if (local.endsWith('data')) throw new Error('boom');
      return Promise.resolve(STAT);
    };
    const collector = collectorFor(fixture('no-psi'), statfs);
    expect(data(await collector.collect(ctx)).failed).toEqual([
      { mountPoint: '/data', fsType: 'xfs', error: 'boom' },
    ]);
    // The failed call is not left counted as in flight.
    expect(data(await collector.collect(ctx)).failed[0]?.error).toBe('boom');
  });

  it('times out a hung statfs, does not repeat it while it hangs, and recovers once it returns', async () => {
    const ctx = context(fixture('v2-containers'));
    let release: (value: StatfsResult) => void = () => undefined;
    const hung = new Promise<StatfsResult>((resolve) => {
      release = resolve;
    });
    const statfs = fakeStatfs(ctx.roots, { '/srv/nfs': hung });
    const collector = collectorFor(fixture('v2-containers'), statfs, { statfsTimeoutMs: 30 });
    const started = Date.now();
    const first = data(await collector.collect(ctx));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(first.mounts.map((m) => m.mountPoint)).not.toContain('/srv/nfs');
    expect(first.mounts).toHaveLength(7);
    expect(first.failed).toHaveLength(1);
    expect(first.failed[0]).toMatchObject({ mountPoint: '/srv/nfs', fsType: 'nfs4' });
    expect(first.failed[0]?.error).toMatch(/timed out after 30 ms/);

    const nfsLocal = hostPathToLocal(ctx.roots, '/srv/nfs');
    const second = data(await collector.collect(ctx));
    expect(second.failed[0]?.error).toMatch(/earlier collection has not returned/);
    expect(statfs.calls.filter((c) => c === nfsLocal)).toHaveLength(1);

    release(STAT);
    await new Promise((resolve) => setImmediate(resolve));
    const third = data(await collector.collect(ctx));
    expect(third.failed).toEqual([]);
    expect(mount(third, '/srv/nfs').totalBytes).toBe(4_096_000);
  });

  it('clears its timers when statfs answers', async () => {
    vi.useFakeTimers();
    const ctx = context(fixture('nvme-dm-md'));
    const fs = data(await collectorFor(fixture('nvme-dm-md'), fakeStatfs(ctx.roots, {})).collect(ctx));
    expect(fs.mounts.length).toBeGreaterThan(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects a non-positive timeout at construction', () => {
    expect(() =>
      createFilesystemsCollector({ ...DEFAULT_COLLECTORS_CONFIG.filesystems, statfsTimeoutMs: 0 }),
    ).toThrow(/statfsTimeoutMs/);
  });
});

describe('filesystems collector mount table source', () => {
  function treeWith(files: Record<string, string>): string {
    const root = tempDir();
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), text);
    }
    return root;
  }

  it('falls back to self/mountinfo when pid 1 is hidden (hidepid=2)', async () => {
    const root = treeWith({ 'proc/self/mountinfo': '28 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n' });
    const ctx = context(root);
    const fs = data(await collectorFor(root, fakeStatfs(ctx.roots, {})).collect(ctx));
    expect(fs.mounts.map((m) => [m.mountPoint, m.device])).toEqual([['/', '/dev/sda1']]);
  });

  it.runIf(process.getuid?.() !== 0)(
    'falls back to self/mountinfo when pid 1 is unreadable (hidepid=1)',
    async () => {
      const root = treeWith({
        'proc/1/mountinfo': '28 1 8:2 / / rw - ext4 /dev/sda2 rw\n',
        'proc/self/mountinfo': '28 1 8:1 / / rw - ext4 /dev/sda1 rw\n',
      });
      chmodSync(path.join(root, 'proc', '1', 'mountinfo'), 0o000);
      const ctx = context(root);
      const fs = data(await collectorFor(root, fakeStatfs(ctx.roots, {})).collect(ctx));
      expect(fs.mounts.map((m) => m.device)).toEqual(['/dev/sda1']);
    },
  );

  it('prefers pid 1 over self', async () => {
    const root = treeWith({
      'proc/1/mountinfo': '28 1 8:2 / / rw - ext4 /dev/sda2 rw\n',
      'proc/self/mountinfo': '28 1 8:1 / / rw - ext4 /dev/sda1 rw\n',
    });
    const ctx = context(root);
    const fs = data(await collectorFor(root, fakeStatfs(ctx.roots, {})).collect(ctx));
    expect(fs.mounts.map((m) => m.device)).toEqual(['/dev/sda2']);
  });

  it('is unsupported without any mountinfo', async () => {
    const root = tempDir();
    const outcome = await createFilesystemsCollector().collect(context(root));
    expect(outcome.kind).toBe('unsupported');
    expect(outcome.kind === 'unsupported' && outcome.reason).toContain('mountinfo');
  });

  it('throws with the path on another read failure', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'proc', '1', 'mountinfo'), { recursive: true }); // a directory: EISDIR
    await expect(createFilesystemsCollector().collect(context(root))).rejects.toThrow(/proc\/1\/mountinfo/);
  });

  it('reads a fixture tree copied elsewhere the same way', async () => {
    const root = tempDir();
    cpSync(
      path.join(fixture('hybrid-v1v2'), 'proc', '1', 'mountinfo'),
      path.join(root, 'proc', '1', 'mountinfo'),
    );
    const ctx = context(root);
    const fs = data(await collectorFor(root, fakeStatfs(ctx.roots, {})).collect(ctx));
    expect(fs.mounts).toHaveLength(4);
  });
});

describe('filesystems collector on the live host', () => {
  it.runIf(process.platform === 'linux')('finds a mounted filesystem with a size', async () => {
    const live = {
      roots: resolveHostRoots({}, {}),
      clock: systemClock,
      signal: new AbortController().signal,
    };
    const fs = data(await createFilesystemsCollector().collect(live));
    const sized = fs.mounts.filter((m) => m.totalBytes > 0);
    expect(sized.length).toBeGreaterThan(0);
    const root = fs.mounts.find((m) => m.mountPoint === '/');
    if (root !== undefined) {
      expect(root.totalBytes).toBeGreaterThan(0);
      expect(root.usedBytes + root.freeBytes).toBe(root.totalBytes);
    }
    for (const m of fs.mounts) {
      expect(m.usedFraction).toBeGreaterThanOrEqual(0);
      expect(m.usedFraction).toBeLessThanOrEqual(1);
      expect(m.mountPoint.startsWith('/proc')).toBe(false);
      expect(m.devNumber).toMatch(/^\d+:\d+$/);
    }
  });
});
