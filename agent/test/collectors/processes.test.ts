import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProcessInfo, ProcessesData } from '@sysray/proto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  formatCommandLine,
  parseProcCgroup,
  parseProcIo,
  parseProcStat,
  parseProcStatSummary,
  parseProcStatus,
} from '../../src/collectors/processes-parse.js';
import { createProcessesCollector, type ProcessesCollectorOptions } from '../../src/collectors/processes.js';
import type { CollectContext } from '../../src/collectors/types.js';
import { ManualClock, systemClock, type Clock } from '../../src/platform/clock.js';
import { resolveHostRoots } from '../../src/platform/host-roots.js';
import { parseKernelPageSize, readPageSizeBytes } from '../../src/platform/page-size.js';
import { createUserNames, parsePasswd } from '../../src/platform/users.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const BTIME = 1763700000;
const DOCKER_V2 = '89c866da4e4b59dc94ea840d501610fed7e8988fd87b56a1d63efd8d872ecac5';
const K8S_APP = '02dedcaadb6a8191d5a63142c664fbb3f0ccb4e9df0fe7f71601c7787a916274';
const PODMAN_ROOTLESS = '419e447384a23885377f79e3e4c5b32357fc8f00611365d7ce5a81a239c1e9cc';
const DOCKER_HYBRID = 'f6c1d20a3e62fbf3c9f4ebcc026f49b71a0a9cd0e84a8c8ea19e68d38ca0eb6a';
const DOCKER_NO_PSI = 'aa22c89e9a5cb7b50652fc9d9663eeecf3dad8c1dcf6bcda1340c71d06d555be';
const DOCKER_NVME = '7c83a62b390eafe3ac7592ae4d83f8716c54471bab0c239cacd7d6d609e6358e';

function context(rootfs: string, clock: Clock = new ManualClock()): CollectContext {
  return { roots: resolveHostRoots({ rootfs }, {}), clock, signal: new AbortController().signal };
}

async function collect(
  rootfs: string,
  options: ProcessesCollectorOptions = {},
  clock: Clock = new ManualClock(),
): Promise<ProcessesData> {
  const outcome = await createProcessesCollector(options).collect(context(rootfs, clock));
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got ${outcome.reason}`);
  return outcome.data;
}

function byPid(data: ProcessesData, pid: number): ProcessInfo {
  const found = data.top.find((p) => p.pid === pid);
  if (found === undefined) throw new Error(`pid ${pid} not in top (${data.top.map((p) => p.pid).join(',')})`);
  return found;
}

const temps: string[] = [];
function copyTree(tree: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `sysray-proc-${tree}-`));
  temps.push(dir);
  // The collector reads proc/ and etc/passwd only.
  for (const sub of ['proc', 'etc'])
    cpSync(path.join(FIXTURES, tree, sub), path.join(dir, sub), { recursive: true });
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Rewrites fields of a fixture's /proc/<pid>/stat (1-based field numbers as in proc(5)). */
function editStat(root: string, pid: number, edits: Record<number, (value: number) => number>): void {
  const file = path.join(root, 'proc', String(pid), 'stat');
  const text = readFileSync(file, 'utf8').trimEnd();
  const close = text.lastIndexOf(')');
  const rest = text.slice(close + 2).split(' ');
  for (const [field, edit] of Object.entries(edits)) {
    const index = Number(field) - 3;
    rest[index] = String(edit(Number(rest[index])));
  }
  writeFileSync(file, `${text.slice(0, close + 2)}${rest.join(' ')}\n`);
}

const STAT_V6 =
  '3105 (java) R 3071 3105 3105 0 -1 4194560 1834 0 12 0 985000 43000 0 0 20 0 42 0 25001 6442450944 131072 ' +
  '18446744073709551615 94736452612096 94736453431201 140734870571344 0 0 0 0 4096 1260 0 0 0 17 0 0 0 0 0 0 ' +
  '94736453500784 94736453524640 94736479535104 140734870577862 140734870577884 140734870577884 140734870581227 0\n';

describe('parseProcStat', () => {
  it('reads the fields the agent uses from a Linux 6 line', () => {
    expect(parseProcStat(STAT_V6)).toEqual({
      pid: 3105,
      comm: 'java',
      state: 'R',
      ppid: 3071,
      utimeTicks: 985000,
      stimeTicks: 43000,
      threads: 42,
      startTicks: 25001,
      vsizeBytes: 6442450944,
      rssPages: 131072,
    });
  });

  it('ends comm at the last parenthesis, so names holding ") (" or parentheses parse', () => {
    const evil = parseProcStat(
      '5202 (evil) (name) S 5190 5202 5202 34817 -1 4194560 1 0 0 0 15 4 0 0 20 0 2 0 33000 8388608 512 0',
    );
    expect(evil).toMatchObject({
      pid: 5202,
      comm: 'evil) (name',
      state: 'S',
      ppid: 5190,
      threads: 2,
      rssPages: 512,
    });
    const sdPam = parseProcStat(
      '3050 ((sd-pam)) S 3040 3040 3040 0 -1 4194624 0 0 0 0 0 0 0 0 20 0 1 0 59000000 105156608 1011 0',
    );
    expect(sdPam).toMatchObject({ comm: '(sd-pam)', ppid: 3040, startTicks: 59000000 });
    expect(parseProcStat('7 (a b) c) D 1 1 1 0 -1 0 0 0 0 0 3 4 0 0 20 0 1 0 99 0 0')).toMatchObject({
      comm: 'a b) c',
      state: 'D',
      utimeTicks: 3,
      stimeTicks: 4,
    });
  });

  it('accepts negative fields it does not use (priority of RT threads, tpgid -1)', () => {
    const rt = parseProcStat(
      '16 (migration/1) S 2 0 0 0 -1 69238848 0 0 0 0 0 88 0 0 -100 0 1 0 5 0 0 18446744073709551615',
    );
    expect(rt).toMatchObject({ comm: 'migration/1', stimeTicks: 88, threads: 1, startTicks: 5, rssPages: 0 });
  });

  it('accepts the shorter lines of old kernels (44 fields, Linux 2.6.24) as long as rss is there', () => {
    const old = STAT_V6.trim().split(' ').slice(0, 44).join(' ');
    expect(parseProcStat(old)?.rssPages).toBe(131072);
  });

  it('rejects truncated and garbage lines', () => {
    expect(parseProcStat(STAT_V6.split(' ').slice(0, 23).join(' '))).toBeNull();
    expect(parseProcStat('')).toBeNull();
    expect(parseProcStat('not a stat line')).toBeNull();
    expect(parseProcStat('(java) R 1 2 3')).toBeNull();
    expect(parseProcStat('12 (java)R 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 6 7')).toBeNull();
    expect(parseProcStat(STAT_V6.replace(' 985000 ', ' x '))).toBeNull();
  });
});

describe('parseProcStatus', () => {
  it('takes the effective uid and VmSwap in bytes', () => {
    const text =
      'Name:\tsudo\nState:\tS (sleeping)\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\nVmRSS:\t    4000 kB\nVmSwap:\t     256 kB\nThreads:\t1\n';
    expect(parseProcStatus(text)).toEqual({ uid: 0, swapBytes: 262144 });
  });

  it('gives null swap for kernel threads and zombies, which have no Vm lines', () => {
    expect(parseProcStatus('Name:\tkthreadd\nUid:\t0\t0\t0\t0\nThreads:\t1\n')).toEqual({
      uid: 0,
      swapBytes: null,
    });
  });

  it('gives null fields when the lines are missing or malformed', () => {
    expect(parseProcStatus('')).toEqual({ uid: null, swapBytes: null });
    expect(parseProcStatus('Name:\tx\nUid:\tnope\nVmSwap:\tlots kB\n')).toEqual({
      uid: null,
      swapBytes: null,
    });
    // The key must start a line: `RssUid:` or an indented duplicate does not count.
    expect(parseProcStatus('Name:\tx\nNotUid:\t5\t5\t5\t5\n').uid).toBeNull();
  });
});

describe('parseProcIo', () => {
  it('reads read_bytes and write_bytes (not rchar/wchar)', () => {
    const text =
      'rchar: 323934931\nwchar: 323929600\nsyscr: 632687\nsyscw: 632675\nread_bytes: 4096\nwrite_bytes: 323932160\ncancelled_write_bytes: 0\n';
    expect(parseProcIo(text)).toEqual({ readBytes: 4096, writeBytes: 323932160 });
  });

  it('is null when a field is missing or not a number', () => {
    expect(parseProcIo('rchar: 1\nwchar: 2\n')).toBeNull();
    expect(parseProcIo('read_bytes: 1\nwrite_bytes: lots\n')).toBeNull();
    expect(parseProcIo('')).toBeNull();
  });
});

describe('parseProcCgroup', () => {
  it('reads the unified line of a cgroup v2 host', () => {
    expect(parseProcCgroup('0::/system.slice/ssh.service\n')).toEqual({
      unified: '/system.slice/ssh.service',
      systemd: null,
      paths: ['/system.slice/ssh.service'],
    });
  });

  it('reads both the unified and the name=systemd lines of a hybrid host', () => {
    const text =
      '5:pids:/docker/abc\n3:memory:/docker/abc\n1:name=systemd:/system.slice/x.service\n0::/system.slice/x.service\n';
    expect(parseProcCgroup(text)).toEqual({
      unified: '/system.slice/x.service',
      systemd: '/system.slice/x.service',
      paths: ['/docker/abc', '/docker/abc', '/system.slice/x.service', '/system.slice/x.service'],
    });
  });

  it('has no unified path on a v1-only host and keeps colons inside paths', () => {
    const parsed = parseProcCgroup(
      '2:cpu,cpuacct:/a:b\n1:name=systemd:/user.slice/user-1000.slice/session-2.scope\n',
    );
    expect(parsed.unified).toBeNull();
    expect(parsed.systemd).toBe('/user.slice/user-1000.slice/session-2.scope');
    expect(parsed.paths[0]).toBe('/a:b');
  });

  it('skips garbage lines', () => {
    expect(parseProcCgroup('garbage\n::\n0::relative\n\n')).toEqual({
      unified: null,
      systemd: null,
      paths: [],
    });
  });
});

describe('formatCommandLine', () => {
  it('joins NUL-separated arguments with spaces and drops the terminating NULs', () => {
    expect(formatCommandLine('/usr/sbin/sshd\0-D\0', 1024)).toBe('/usr/sbin/sshd -D');
    expect(formatCommandLine('nginx: worker process\0\0\0\0', 1024)).toBe('nginx: worker process');
  });

  it('is empty for kernel threads and zombies', () => {
    expect(formatCommandLine('', 1024)).toBe('');
    expect(formatCommandLine('\0', 1024)).toBe('');
  });

  it('scrubs control characters and bounds the length', () => {
    expect(formatCommandLine('echo\0\u001b]0;pwned\u0007\0', 1024)).toBe('echo ?]0;pwned?');
    const long = formatCommandLine(`run\0${'x'.repeat(100)}\0`, 20);
    expect(long).toHaveLength(20);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('parseProcStatSummary', () => {
  it('reads btime and counts cpuN lines', () => {
    const text =
      'cpu  1 2 3 4\ncpu0 1 1 1 1\ncpu1 1 1 1 1\ncpu10 1 1 1 1\nintr 5 0\nctxt 9\nbtime 1763700000\nprocesses 3\n';
    expect(parseProcStatSummary(text)).toEqual({ bootTime: 1763700000, logicalCpus: 3 });
  });

  it('is null for a missing btime', () => {
    expect(parseProcStatSummary('cpu  1 2\ncpu0 1 2\n')).toEqual({ bootTime: null, logicalCpus: 1 });
  });
});

describe('parsePasswd and createUserNames', () => {
  it('maps uids to names, skipping comments and malformed lines; the first entry for a uid wins', () => {
    const names = parsePasswd(
      '# comment\nroot:x:0:0:root:/root:/bin/bash\n\nbroken line\nnouid:x::0::/:/bin/sh\ntoor:x:0:0::/:/bin/sh\nuser:x:1000:1000::/home/user:/bin/bash\nneg:x:-1:0::/:\n',
    );
    expect([...names]).toEqual([
      [0, 'root'],
      [1000, 'user'],
    ]);
  });

  it('re-reads the file only when it changes, and names unknown uids by number', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sysray-users-'));
    temps.push(dir);
    mkdirSync(path.join(dir, 'etc'));
    const passwd = path.join(dir, 'etc', 'passwd');
    writeFileSync(passwd, 'root:x:0:0::/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n');
    const users = createUserNames(resolveHostRoots({ rootfs: dir }, {}));
    users.refresh();
    expect(users.nameOf(1000)).toBe('alice');
    expect(users.nameOf(4242)).toBe('4242');

    writeFileSync(passwd, 'root:x:0:0::/root:/bin/bash\nbob:x:1000:1000::/home/bob:/bin/bash\n');
    utimesSync(passwd, new Date(2_000_000_000_000), new Date(2_000_000_000_000));
    expect(users.nameOf(1000)).toBe('alice'); // cached until refresh()
    users.refresh();
    expect(users.nameOf(1000)).toBe('bob');

    rmSync(passwd);
    users.refresh();
    expect(users.nameOf(0)).toBe('0');
  });
});

describe('page size', () => {
  it('parses KernelPageSize from smaps', () => {
    expect(
      parseKernelPageSize(
        '55d0c2a00000-55d0c2a28000 r--p 00000000 103:02 1 /usr/bin/node\nSize:  160 kB\nKernelPageSize:        4 kB\nMMUPageSize:  4 kB\n',
      ),
    ).toBe(4096);
    expect(parseKernelPageSize('KernelPageSize:       64 kB\n')).toBe(65536);
    expect(parseKernelPageSize('Size: 4 kB\n')).toBeNull();
    expect(parseKernelPageSize('KernelPageSize: lots\n')).toBeNull();
  });

  it('reads the page size from <proc>/self/smaps, falling back to pid 1, else null', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sysray-pagesize-'));
    temps.push(dir);
    const roots = resolveHostRoots({ proc: dir }, {});
    expect(readPageSizeBytes(roots)).toBeNull();
    mkdirSync(path.join(dir, '1'));
    writeFileSync(
      path.join(dir, '1', 'smaps'),
      'aaaa-bbbb r-xp 0 0:0 0 /sbin/init\nKernelPageSize:       16 kB\n',
    );
    expect(readPageSizeBytes(roots)).toBe(16384);
    mkdirSync(path.join(dir, 'self'));
    writeFileSync(
      path.join(dir, 'self', 'smaps'),
      'aaaa-bbbb r-xp 0 0:0 0 /usr/bin/node\nKernelPageSize:       64 kB\n',
    );
    expect(readPageSizeBytes(roots)).toBe(65536);
  });
});

describe('processes collector on fixture trees', () => {
  const V2 = path.join(FIXTURES, 'v2-containers');

  it('v2-containers: counts every process by state and totals threads', async () => {
    const data = await collect(V2, { limit: 5 });
    expect(data.counts).toEqual({
      total: 13,
      threads: 76,
      running: 1,
      sleeping: 8,
      blocked: 1,
      zombie: 1,
      stopped: 1,
      idle: 1,
    });
    expect(data.sortedBy).toBe('cpu');
    // First tick: no interval yet, so cumulative CPU time ranks and every rate is null.
    expect(data.top.map((p) => p.pid)).toEqual([3105, 1190, 3390, 17, 2467]);
    expect(data.top.every((p) => p.cpuPercent === null && p.ioReadBytesPerSec === null)).toBe(true);
  });

  it('v2-containers: details a containerized process in a Kubernetes pod', async () => {
    const java = byPid(await collect(V2, { limit: 1 }), 3105);
    expect(java).toEqual({
      pid: 3105,
      ppid: 3071,
      name: 'java',
      command: 'java -Xmx512m -jar /app/app.jar',
      uid: 1000,
      user: 'ubuntu',
      state: 'R',
      userSeconds: 9850,
      systemSeconds: 430,
      cpuPercent: null,
      cpuPercentNormalized: null,
      rssBytes: 131072 * 4096,
      virtualBytes: 6442450944,
      swapBytes: 0,
      threads: 42,
      openFds: 16,
      ioReadBytes: 31457280,
      ioWriteBytes: 5242880,
      ioReadBytesPerSec: null,
      ioWriteBytesPerSec: null,
      startTime: BTIME + 250.01,
      cgroupPath: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod6f1e2d3c_4b5a_4978_8a6b_5c4d3e2f1a0b.slice/cri-containerd-${K8S_APP}.scope`,
      container: {
        containerId: K8S_APP,
        runtime: 'containerd',
        podUid: '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b',
        qosClass: 'burstable',
        systemdUnit: null,
      },
    });
  });

  it('v2-containers: kernel threads, zombies, odd names, hostile command lines and users', async () => {
    const data = await collect(V2, { limit: 50, sortBy: 'pid' });
    expect(data.top.map((p) => p.pid)).toEqual([
      1, 2, 17, 615, 812, 1190, 2467, 3105, 3390, 4020, 5150, 5202, 5230,
    ]);

    expect(byPid(data, 2)).toMatchObject({
      name: 'kthreadd',
      command: '',
      ppid: 0,
      rssBytes: 0,
      swapBytes: null,
      openFds: 0,
    });
    expect(byPid(data, 17)).toMatchObject({ name: 'kworker/3:1-events', state: 'I', command: '' });
    expect(byPid(data, 615)).toMatchObject({ state: 'D', name: 'jbd2/nvme0n1p2-8' });
    expect(byPid(data, 5150)).toMatchObject({
      state: 'Z',
      command: '',
      rssBytes: 0,
      virtualBytes: 0,
      swapBytes: null,
    });
    expect(byPid(data, 5202)).toMatchObject({
      name: 'evil) (name',
      ppid: 5190,
      threads: 2,
      command: './evil --daemon',
    });
    expect(byPid(data, 5230)).toMatchObject({
      state: 'T',
      command: 'mysql -uroot --password=hunter2 -h db.internal -e SELECT 1;?]0;pwned?',
    });
    expect(byPid(data, 812)).toMatchObject({
      command: 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups',
      user: 'root',
      cgroupPath: '/system.slice/ssh.service',
      container: {
        containerId: null,
        runtime: null,
        podUid: null,
        qosClass: null,
        systemdUnit: 'ssh.service',
      },
    });
    // A uid the host's passwd does not name (the container's redis user) is shown by number.
    expect(byPid(data, 3390)).toMatchObject({ uid: 999, user: '999', swapBytes: 262144 });
    expect(byPid(data, 3390).container).toMatchObject({ runtime: 'cri-o', qosClass: 'besteffort' });
    expect(byPid(data, 2467)).toMatchObject({
      user: 'www-data',
      container: { containerId: DOCKER_V2, runtime: 'docker' },
    });
    expect(byPid(data, 4020)).toMatchObject({
      command: 'python3 -m http.server 8000',
      container: { containerId: PODMAN_ROOTLESS, runtime: 'podman' },
    });
    expect(byPid(data, 1)).toMatchObject({ command: '/sbin/init', startTime: BTIME + 0.04, openFds: 7 });
  });

  it('hybrid-v1v2: uses the unified (0::) path and attributes cgroupfs Docker containers', async () => {
    const data = await collect(path.join(FIXTURES, 'hybrid-v1v2'), { limit: 50, sortBy: 'pid' });
    expect(data.counts).toEqual({
      total: 9,
      threads: 29,
      running: 0,
      sleeping: 6,
      blocked: 1,
      zombie: 1,
      stopped: 0,
      idle: 1,
    });
    expect(byPid(data, 2300)).toMatchObject({
      user: 'www-data',
      cgroupPath: `/docker/${DOCKER_HYBRID}`,
      container: { containerId: DOCKER_HYBRID, runtime: 'docker', systemdUnit: null },
      startTime: BTIME + 88,
    });
    expect(byPid(data, 3100)).toMatchObject({ name: 'a) (b) c', user: 'deploy', command: './a) (b) c' });
    expect(byPid(data, 3200)).toMatchObject({
      state: 'D',
      command: 'mysqldump --user=backup --password s3cr3t --all-databases ?[2J',
      swapBytes: 131072,
    });
    expect(byPid(data, 640).command).toBe('/usr/sbin/sshd -D');
  });

  it('no-psi: takes the name=systemd path on a cgroup v1-only host', async () => {
    const data = await collect(path.join(FIXTURES, 'no-psi'), { limit: 50, sortBy: 'pid' });
    expect(data.counts).toMatchObject({ total: 9, running: 1, zombie: 1, idle: 1 });
    expect(byPid(data, 2600)).toMatchObject({
      state: 'R',
      cgroupPath: `/docker/${DOCKER_NO_PSI}`,
      container: { containerId: DOCKER_NO_PSI, runtime: 'docker' },
      command: 'node /srv/app/server.js --token=abc123def --token-file=/run/secrets/token',
    });
    expect(byPid(data, 870).cgroupPath).toBe('/system.slice/ssh.service');
    expect(byPid(data, 2805).name).toBe('x) (y) (z');
    expect(byPid(data, 2900).command).toBe('psql postgresql://app:Sup3rS3cret@db.internal:5432/app ?');
    expect(byPid(data, 2710)).toMatchObject({ state: 'Z', startTime: BTIME + 1_100_000 });
  });

  it('nvme-dm-md: LXC and systemd-nspawn processes, mapped uids, (sd-pam)', async () => {
    const data = await collect(path.join(FIXTURES, 'nvme-dm-md'), { limit: 50, sortBy: 'pid' });
    expect(data.counts).toEqual({
      total: 11,
      threads: 16,
      running: 0,
      sleeping: 9,
      blocked: 1,
      zombie: 1,
      stopped: 0,
      idle: 0,
    });
    expect(byPid(data, 1800)).toMatchObject({
      user: 'postgres',
      rssBytes: 262144 * 4096,
      ioReadBytes: 901943132160,
    });
    expect(byPid(data, 2200).container).toMatchObject({ containerId: DOCKER_NVME, runtime: 'docker' });
    expect(byPid(data, 2500)).toMatchObject({
      uid: 100000,
      user: '100000',
      container: { containerId: 'web1', runtime: 'lxc' },
    });
    expect(byPid(data, 2610)).toMatchObject({
      cgroupPath: '/machine.slice/systemd-nspawn@debian\\x2dtest.service/payload/init.scope',
      container: { containerId: 'debian-test', runtime: 'systemd-nspawn' },
    });
    expect(byPid(data, 3050)).toMatchObject({ name: '(sd-pam)', command: '(sd-pam)' });
    expect(byPid(data, 3200).command).toBe('/usr/bin/mysql --user=root --password=Zx9!pass ?[1mbold');
  });

  it('ranks by memory, name, pid and io', async () => {
    expect((await collect(V2, { limit: 4, sortBy: 'memory' })).top.map((p) => p.pid)).toEqual([
      3105, 1190, 4020, 3390,
    ]);
    expect((await collect(V2, { limit: 4, sortBy: 'name' })).top.map((p) => p.name)).toEqual([
      'containerd',
      'evil) (name',
      'java',
      'jbd2/nvme0n1p2-8',
    ]);
    expect((await collect(V2, { limit: 3, sortBy: 'pid' })).top.map((p) => p.pid)).toEqual([1, 2, 17]);
    // IO ranks by bytes read + written: cumulative on the first tick.
    const io = await collect(V2, { limit: 3, sortBy: 'io' });
    expect(io.sortedBy).toBe('io');
    expect(io.top.map((p) => p.pid)).toEqual([1, 1190, 3390]);
  });

  it('keeps processes matching include rules (on name or command line) beside the top N, in sort order', async () => {
    const data = await collect(V2, { limit: 1, include: ['^sshd$', 'http\\.server'] });
    expect(data.top.map((p) => p.pid)).toEqual([3105, 4020, 812]);
    const onlyIncluded = await collect(V2, { limit: 0, include: ['^redis'] });
    expect(onlyIncluded.top.map((p) => p.pid)).toEqual([3390]);
  });

  it('refuses an include rule that is not a regular expression', () => {
    expect(() => createProcessesCollector({ include: ['('] })).toThrow(
      /invalid processes include pattern "\("/,
    );
  });

  it('uses an injected page size for RSS (64 KiB pages on arm64)', async () => {
    const data = await collect(V2, { limit: 1, pageSizeBytes: 65536 });
    expect(byPid(data, 3105).rssBytes).toBe(131072 * 65536);
  });

  it('fails with the path when <proc>/stat (boot time) is missing', async () => {
    const root = copyTree('v2-containers');
    rmSync(path.join(root, 'proc', 'stat'));
    await expect(createProcessesCollector().collect(context(root))).rejects.toThrow(/proc\/stat.*boot time/);
  });

  it('reads the boot time and CPU count once, even when each tick passes an equal new roots object', async () => {
    const root = copyTree('v2-containers');
    const collector = createProcessesCollector({ limit: 1, sortBy: 'memory' });
    await collector.collect(context(root));
    rmSync(path.join(root, 'proc', 'stat'));
    const again = await collector.collect(context(root));
    expect(again.kind === 'ok' && again.data.top[0]?.startTime).toBe(BTIME + 250.01);
  });

  it('hybrid: attributes a container from a v1 path when the unified path names only a unit', async () => {
    const root = copyTree('hybrid-v1v2');
    const file = path.join(root, 'proc', '2300', 'cgroup');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(/^0::.*$/m, '0::/system.slice/containerd.service'),
    );
    const nginx = byPid(await collect(root, { limit: 50, sortBy: 'pid' }), 2300);
    expect(nginx.cgroupPath).toBe('/system.slice/containerd.service');
    expect(nginx.container).toEqual({
      containerId: DOCKER_HYBRID,
      runtime: 'docker',
      podUid: null,
      qosClass: null,
      systemdUnit: null,
    });
  });

  it('stops when the collection is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const ctx = { ...context(V2), signal: controller.signal };
    await expect(createProcessesCollector().collect(ctx)).rejects.toThrow(/aborted/);
  });
});

describe('processes collector rates', () => {
  it('computes CPU percent and IO rates from the interval, per core and normalized by logical CPUs', async () => {
    const root = copyTree('v2-containers');
    const clock = new ManualClock();
    const collector = createProcessesCollector({ limit: 3 });
    const first = await collector.collect(context(root, clock));
    expect(first.kind === 'ok' && first.data.top[0]?.cpuPercent).toBeNull();

    // java: 150 user + 50 system ticks in 2 s = 1 core; nginx: 20 ticks = 0.1 core.
    editStat(root, 3105, { 14: (v) => v + 150, 15: (v) => v + 50 });
    editStat(root, 2467, { 14: (v) => v + 20 });
    const io = path.join(root, 'proc', '3105', 'io');
    writeFileSync(
      io,
      readFileSync(io, 'utf8').replace('read_bytes: 31457280', `read_bytes: ${31457280 + 10485760}`),
    );
    clock.advance(2000);

    const second = await collector.collect(context(root, clock));
    if (second.kind !== 'ok') throw new Error('expected ok');
    expect(second.data.top.map((p) => p.pid)).toEqual([3105, 2467, 1]);
    const java = byPid(second.data, 3105);
    expect(java.cpuPercent).toBeCloseTo(100, 10);
    expect(java.cpuPercentNormalized).toBeCloseTo(12.5, 10); // 8 logical CPUs in the tree's /proc/stat
    expect(java.ioReadBytesPerSec).toBe(5242880);
    expect(java.ioWriteBytesPerSec).toBe(0);
    expect(byPid(second.data, 2467).cpuPercent).toBeCloseTo(10, 10);
    expect(byPid(second.data, 1).cpuPercent).toBe(0);
  });

  it('treats a reused pid (new start time), a new process and a backwards counter as first sight', async () => {
    const root = copyTree('v2-containers');
    const clock = new ManualClock();
    const collector = createProcessesCollector({ limit: 50, sortBy: 'pid' });
    await collector.collect(context(root, clock));

    editStat(root, 812, { 22: () => 40000, 14: (v) => v + 5 }); // pid 812 exited and was reused
    editStat(root, 3390, { 14: () => 0 }); // counter went backwards
    cpSync(path.join(root, 'proc', '5202'), path.join(root, 'proc', '6001'), { recursive: true });
    const stat6001 = path.join(root, 'proc', '6001', 'stat');
    writeFileSync(stat6001, readFileSync(stat6001, 'utf8').replace(/^5202 /, '6001 '));
    clock.advance(1000);

    const outcome = await collector.collect(context(root, clock));
    if (outcome.kind !== 'ok') throw new Error('expected ok');
    expect(byPid(outcome.data, 812).cpuPercent).toBeNull();
    expect(byPid(outcome.data, 812).startTime).toBe(BTIME + 400);
    expect(byPid(outcome.data, 3390).cpuPercent).toBeNull();
    expect(byPid(outcome.data, 6001).cpuPercent).toBeNull();
    expect(byPid(outcome.data, 1190).cpuPercent).toBe(0);
    expect(outcome.data.counts.total).toBe(14);
  });

  it('keeps a process command line between ticks and reads it again after an exec', async () => {
    const root = copyTree('v2-containers');
    const clock = new ManualClock();
    const collector = createProcessesCollector({ limit: 50, sortBy: 'pid' });
    const sshd = async (): Promise<ProcessInfo> => {
      clock.advance(1000);
      const outcome = await collector.collect(context(root, clock));
      if (outcome.kind !== 'ok') throw new Error('expected ok');
      return byPid(outcome.data, 812);
    };
    expect((await sshd()).command).toMatch(/^sshd: \/usr\/sbin\/sshd -D/);
    // A title rewrite alone is not re-read every tick (one read fewer per kept process)...
    writeFileSync(path.join(root, 'proc', '812', 'cmdline'), 'sshd: rewritten\0');
    expect((await sshd()).command).toMatch(/^sshd: \/usr\/sbin\/sshd -D/);
    // ...but an exec (comm changes) is seen at once.
    const statPath = path.join(root, 'proc', '812', 'stat');
    writeFileSync(statPath, readFileSync(statPath, 'utf8').replace('(sshd)', '(sshd-new)'));
    expect((await sshd()).command).toBe('sshd: rewritten');
  });

  it('drops processes that exited, whether before the listing or between stat and the detail reads', async () => {
    const root = copyTree('v2-containers');
    const clock = new ManualClock();
    const collector = createProcessesCollector({ limit: 50, sortBy: 'pid' });
    await collector.collect(context(root, clock));

    rmSync(path.join(root, 'proc', '5230'), { recursive: true });
    // Only stat is left of 812: it exited after its stat was read.
    for (const file of ['cmdline', 'status', 'io', 'cgroup']) rmSync(path.join(root, 'proc', '812', file));
    clock.advance(1000);
    const outcome = await collector.collect(context(root, clock));
    if (outcome.kind !== 'ok') throw new Error('expected ok');
    expect(outcome.data.counts.total).toBe(12);
    expect(outcome.data.counts.stopped).toBe(0);
    expect(outcome.data.top.map((p) => p.pid)).not.toContain(5230);
    expect(outcome.data.top.map((p) => p.pid)).not.toContain(812);
    expect(outcome.data.top).toHaveLength(11);
  });
});

describe('processes collector on the live host', () => {
  it.runIf(process.platform === 'linux')('reports this process with sane values', async () => {
    const roots = resolveHostRoots({}, {});
    const collector = createProcessesCollector({ limit: 100_000, sortBy: 'pid' });
    const ctx: CollectContext = { roots, clock: systemClock, signal: new AbortController().signal };
    await collector.collect(ctx);
    const until = Date.now() + 100;
    while (Date.now() < until) {
      // burn CPU so this process has ticks in the interval
    }
    const outcome = await collector.collect(ctx);
    if (outcome.kind !== 'ok') throw new Error('expected ok');
    const { counts, top } = outcome.data;
    expect(counts.total).toBeGreaterThan(1);
    expect(counts.threads).toBeGreaterThanOrEqual(counts.total);
    expect(counts.running).toBeGreaterThanOrEqual(1); // this process, at least
    const self = byPid(outcome.data, process.pid);
    expect(self.ppid).toBe(process.ppid);
    expect(self.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(self.startTime * 1000).toBeLessThanOrEqual(Date.now() + 1000);
    expect(self.startTime * 1000).toBeGreaterThan(Date.now() - 365 * 24 * 3600 * 1000);
    expect(self.cpuPercent).not.toBeNull();
    expect(self.cpuPercent ?? 0).toBeGreaterThan(0);
    expect(self.command).toContain('node');
    expect(self.user).not.toBeNull();
    expect(self.openFds).toBeGreaterThan(2);
    expect(top.map((p) => p.pid)).toEqual([...top.map((p) => p.pid)].sort((a, b) => a - b));
    const pageSize = readPageSizeBytes(roots);
    expect(pageSize !== null && pageSize >= 4096 && (pageSize & (pageSize - 1)) === 0).toBe(true);
  });
});
