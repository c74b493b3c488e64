import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSnapshot, type Snapshot } from '@sysray/proto';
import { loadDiffInput } from '../../src/diff/load.js';
import { renderDiffText } from '../../src/diff/render.js';
import { diffSnapshots, type SnapshotDiff } from '../../src/diff/snapshot-diff.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const UPDATE = process.env.SYSRAY_UPDATE_GOLDEN === '1';
const PAIRS = ['v2-containers', 'nvme-dm-md', 'no-psi'] as const;

function fixture(name: string): string {
  return path.join(here, 'fixtures', name);
}

async function diffPair(pair: string): Promise<SnapshotDiff> {
  const a = await loadDiffInput(fixture(`${pair}-a.json`), { which: 'first' });
  const b = await loadDiffInput(fixture(`${pair}-b.json`), { which: 'last' });
  return diffSnapshots(a.snapshot, b.snapshot, { sourceA: `${pair}-a.json`, sourceB: `${pair}-b.json` });
}

/** Compares with the golden file, or writes it under SYSRAY_UPDATE_GOLDEN=1 (and when it is missing). */
function golden(name: string, actual: string): void {
  const file = path.join(here, 'golden', name);
  if (UPDATE || !existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe.each(PAIRS)('diff golden files: %s', (pair) => {
  it('text', async () => {
    golden(`${pair}.txt`, renderDiffText(await diffPair(pair), { width: 120 }));
  });
  it('json', async () => {
    golden(`${pair}.json`, `${JSON.stringify(await diffPair(pair), null, 2)}\n`);
  });
});

describe('diffSnapshots on the v2-containers pair (5 minutes of a busy node)', () => {
  it('computes key metric deltas and CPU over the interval from the counters', async () => {
    const diff = await diffPair('v2-containers');
    expect(diff.intervalSeconds).toBe(300);
    expect(diff.countersComparable).toBe(true);
    const metric = (key: string) => diff.metrics.find((m) => m.key === key)!;
    expect(metric('memory.used').delta).toBe(Math.trunc(1.5 * 1024 ** 3));
    expect(metric('memory.available').delta).toBe(-Math.trunc(1.5 * 1024 ** 3));
    expect(metric('load.1m')).toMatchObject({ a: 1.52, b: 3.85 });
    expect(metric('load.1m').delta).toBeCloseTo(2.33, 10);
    // A is a first sample: no utilization, so no delta, but B's level is shown.
    expect(metric('cpu.busy')).toEqual(expect.objectContaining({ a: null, b: 0.54, delta: null }));
    expect(metric('pressure.memory.some.avg60')).toEqual(expect.objectContaining({ a: 0.08, b: 8.5 }));
    expect(diff.metrics.some((m) => m.key === 'pressure.irq.full.avg60')).toBe(true);
    // 2400 CPU-seconds over 8 CPUs × 300 s: idle 950 and iowait 150 leave 1300 busy.
    expect(diff.rates.cpu!.busy).toBeCloseTo(1300 / 2400, 10);
    expect(diff.rates.cpu!.iowait).toBeCloseTo(150 / 2400, 10);
    expect(diff.rates.contextSwitchesPerSec).toBe(5000);
    expect(diff.rates.oomKills).toBe(1);
    expect(diff.rates.majorFaultsPerSec).toBe(3);
  });

  it('computes disk and network throughput between A and B, and marks what came and went', async () => {
    const diff = await diffPair('v2-containers');
    expect(diff.disks).toEqual([
      expect.objectContaining({
        name: 'nvme0n1',
        status: 'both',
        readBytesPerSec: 1e6,
        writeBytesPerSec: 4e6,
        readsPerSec: 40,
        writesPerSec: 300,
        utilization: 0.4,
      }),
    ]);
    const eth0 = diff.network.find((i) => i.name === 'eth0')!;
    expect(eth0).toEqual(
      expect.objectContaining({ rxBytesPerSec: 2e6, txBytesPerSec: 5e5, drops: 5, errors: 0 }),
    );
    expect(diff.network.find((i) => i.name === 'veth6c1e2a9')?.status).toBe('removed');
    expect(diff.network.find((i) => i.name === 'veth9a0b1c2d')).toEqual(
      expect.objectContaining({ status: 'added', rxBytesPerSec: null }),
    );
  });

  it('lists filesystem usage changes, largest first, with added and removed mounts', async () => {
    const diff = await diffPair('v2-containers');
    expect(diff.filesystems.map((f) => [f.mountPoint, f.status])).toEqual([
      ['/mnt/backup', 'added'],
      ['/srv/nfs', 'removed'],
      ['/var/lib/containerd', 'both'],
      ['/', 'both'],
    ]);
    expect(diff.filesystems[2]!.usedBytes.delta).toBe(2 * 1024 ** 3);
    expect(diff.filesystemsUnchanged).toBe(5);
  });

  it('tells processes apart by pid and start time, and ranks CPU and RSS movers', async () => {
    const diff = await diffPair('v2-containers');
    const p = diff.processes;
    expect(p.listsComplete).toBe(true);
    // mysql kept its pid but restarted: it exited and appeared.
    expect(p.appeared.map((r) => [r.pid, r.name])).toEqual([
      [6120, 'stress-ng'],
      [5230, 'mysql'],
      [6131, 'backup.sh'],
    ]);
    expect(p.exited.map((r) => [r.pid, r.name])).toEqual([
      [4020, 'python3'],
      [5230, 'mysql'],
      [5150, 'sh'],
    ]);
    expect(p.cpu[0]).toEqual(expect.objectContaining({ pid: 3105, name: 'java', cpuSeconds: 420 }));
    expect(p.cpu[0]!.cpuPercentOverInterval).toBeCloseTo(140, 10);
    expect(p.cpu[0]!.cpuPercent).toEqual({ a: null, b: 140, delta: null });
    expect(p.rss.map((r) => [r.pid, r.rssBytes.delta])).toEqual([
      [3105, 256 * 1024 ** 2],
      [1190, 4 * 1024 ** 2],
      [3390, -2 * 1024 ** 2],
    ]);
  });

  it('redacts command lines of the snapshots it loads', async () => {
    const text = renderDiffText(await diffPair('v2-containers'));
    expect(text).not.toContain('hunter2');
  });
});

describe('diffSnapshots edge cases', () => {
  const load = (name: string): Snapshot => parseSnapshot(JSON.parse(readFileSync(fixture(name), 'utf8')));

  it('computes no rates when B is older than A, and says so', () => {
    const diff = diffSnapshots(load('v2-containers-b.json'), load('v2-containers-a.json'));
    expect(diff.intervalSeconds).toBe(-300);
    expect(diff.countersComparable).toBe(false);
    expect(diff.rates.cpu).toBeNull();
    expect(diff.disks[0]!.readBytesPerSec).toBeNull();
    expect(diff.notes).toContain('B is older than A: deltas read B − A, rates are not computed');
    // Levels are still compared.
    expect(diff.metrics.find((m) => m.key === 'load.1m')!.delta).toBeCloseTo(-2.33, 10);
  });

  it('notices a reboot from the boot time and compares levels only', async () => {
    const diff = await diffPair('no-psi');
    expect(diff.countersComparable).toBe(false);
    expect(diff.notes[0]).toMatch(/rebooted/);
    expect(diff.notes).toContain('pressure: not available in A and B');
    expect(diff.metrics.some((m) => m.key.startsWith('pressure.'))).toBe(false);
    expect(diff.processes.appearedTotal).toBe(9);
    expect(diff.processes.exitedTotal).toBe(9);
    expect(diff.processes.cpu).toEqual([]);
  });

  it('compares levels only across hosts', () => {
    const a = load('v2-containers-a.json');
    const b = load('nvme-dm-md-b.json');
    const diff = diffSnapshots(a, b);
    expect(diff.countersComparable).toBe(false);
    expect(diff.notes[0]).toBe('different hosts (k8s-node-1 and storage-01): only levels are compared');
  });

  it('warns that top-N lists make appeared/exited uncertain', async () => {
    const diff = await diffPair('nvme-dm-md');
    expect(diff.processes.listsComplete).toBe(false);
    expect(diff.notes).toContain(
      'process lists are top-N lists: a process missing from one may only have left or entered the list',
    );
    expect(renderDiffText(diff)).toContain('Processes gone from the list (exited, or left the top list) (1)');
  });

  it('gives nulls, not zeros, for a section missing on one side', () => {
    const a = load('v2-containers-a.json');
    const b = load('v2-containers-b.json');
    const gone = {
      ...b,
      sections: {
        ...b.sections,
        memory: { status: 'error', message: 'boom', collectedAt: 0, durationMs: 0 },
      },
    } as Snapshot;
    const diff = diffSnapshots(a, gone);
    expect(diff.metrics.find((m) => m.key === 'memory.used')).toEqual(
      expect.objectContaining({ b: null, delta: null }),
    );
    expect(diff.rates.majorFaultsPerSec).toBeNull();
    expect(diff.notes).toContain('memory: not available in B');
  });

  it('limits process lists to --top rows and counts the rest', () => {
    const diff = diffSnapshots(load('no-psi-a.json'), load('no-psi-b.json'), { top: 2 });
    expect(diff.processes.appeared).toHaveLength(2);
    expect(diff.processes.appearedTotal).toBe(9);
    expect(renderDiffText(diff)).toContain('Processes started (9, 2 shown)');
  });
});
