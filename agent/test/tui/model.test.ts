import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { resolveHostRoots } from '../../src/platform/host-roots.js';
import { createRedactor } from '../../src/redact.js';
import { HostSession } from '../../src/snapshot/host-session.js';
import type { InsightsProvider } from '../../src/tui/insights.js';
import { hostMetrics, isLeafDisk } from '../../src/tui/metrics.js';
import { TuiModel } from '../../src/tui/model.js';
import { prepareSnapshot } from '../../src/tui/sanitize.js';
import { KEYS, edited, fixtureRoot, loadGolden, modelOf, renderTui, type Loose } from './helpers.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function copyFixture(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sysray-tui-'));
  temps.push(dir);
  cpSync(fixtureRoot(name), dir, { recursive: true });
  return dir;
}

function editFile(file: string, edit: (text: string) => string): void {
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
}

/** Adds `delta` to whitespace-separated field `index` (0 = the name) of the line starting with `prefix`. */
function bump(text: string, prefix: RegExp, index: number, delta: number): string {
  return text
    .split('\n')
    .map((line) => {
      if (!prefix.test(line)) return line;
      const fields = line.trim().split(/\s+/);
      fields[index] = String(Number(fields[index]) + delta);
      return fields.join(' ');
    })
    .join('\n');
}

describe('TuiModel on a host session (rates)', () => {
  it('graphs exact rates between two samples of a fixture host', async () => {
    const root = copyFixture('v2-containers');
    const clock = new ManualClock(0, 1_795_348_800_000);
    const session = new HostSession({ roots: resolveHostRoots({ rootfs: root }, {}), clock });
    const model = new TuiModel({ timeline: { isAlive: () => true } });
    const redactor = createRedactor();
    model.ingest(prepareSnapshot(await session.refresh(), redactor));
    expect(model.metrics.at('cpu.busyFraction', 0)).toBeNull(); // first sample: no rate, a gap

    // One second later: 800 ticks across 8 CPUs, 300 of them busy; 1 MiB read; 1 MB received on eth0.
    editFile(path.join(root, 'proc/stat'), (t) =>
      bump(bump(bump(t, /^cpu /, 1, 200), /^cpu /, 3, 100), /^cpu /, 4, 500),
    );
    editFile(path.join(root, 'proc/diskstats'), (t) => bump(t, /\snvme0n1\s/, 5, 2048));
    editFile(path.join(root, 'proc/net/dev'), (t) =>
      t.replace(/eth0:(\d+)/, (_m, n: string) => `eth0:${Number(n) + 1_000_000}`),
    );
    editFile(path.join(root, 'proc/pressure/memory'), (t) =>
      t.replace('some avg10=0.12', 'some avg10=25.00'),
    );
    clock.advance(1000);
    model.ingest(prepareSnapshot(await session.refresh(), redactor));

    expect(model.latestSeq).toBe(1);
    expect(model.metrics.at('cpu.busyFraction', 1)).toBeCloseTo(0.375, 10);
    expect(model.metrics.at('disk.nvme0n1.readBytesPerSec', 1)).toBe(1_048_576);
    expect(model.metrics.at('disk.total.readBytesPerSec', 1)).toBe(1_048_576);
    expect(model.metrics.at('net.eth0.rxBytesPerSec', 1)).toBe(1_000_000);
    expect(model.metrics.at('net.total.rxBytesPerSec', 1)).toBe(1_000_000);
    expect(model.metrics.at('psi.memory.someAvg10Percent', 1)).toBe(25);
    expect(model.events.toArray().map((e) => e.kind)).toEqual(['pressure-spike']);

    const tui = await renderTui({ model, initialState: { tab: 'cpu' } }, { columns: 100, rows: 30 });
    expect(tui.frame()).toContain('busy 37.5%');
    await tui.press('1');
    expect(tui.frame()).toMatch(/Disk read\s+\S+\s+1\.0 MiB\/s/);
    expect(tui.frame()).toMatch(/Net rx\s+\S+\s+977 KiB\/s/);
    await tui.press(KEYS.shiftTab); // Shift-Tab from Overview wraps round to Timeline
    expect(tui.frame()).toContain('memory pressure some avg10 25.00% (≥ 10%)');
    tui.unmount();
  });
});

describe('TuiModel', () => {
  const golden = loadGolden('nvme-dm-md');

  it('keeps a bounded number of frames and clamps scrubbing to them', () => {
    const model = new TuiModel({ scrubDepth: 3 });
    for (let i = 0; i < 5; i += 1) model.ingest(edited(golden, (s) => (s.timestamp += i * 1000)));
    expect(model.latestSeq).toBe(4);
    expect(model.oldestSeq).toBe(2);
    expect(model.frameAt(null)?.seq).toBe(4);
    expect(model.frameAt(3)?.seq).toBe(3);
    expect(model.frameAt(0)?.seq).toBe(2);
    expect(model.frameAt(99)?.seq).toBe(4);
  });

  it('notifies subscribers once per sample and per notice', () => {
    const model = new TuiModel();
    let calls = 0;
    const unsubscribe = model.subscribe(() => (calls += 1));
    model.ingest(golden);
    model.notify('hello');
    expect(calls).toBe(2);
    expect(model.notice).toEqual({ id: 1, text: 'hello', kind: 'info' });
    unsubscribe();
    model.ingest(golden);
    expect(calls).toBe(2);
    expect(model.version).toBe(3);
  });

  it('evaluates the local rules only while Insights is open, at most every insightsEveryMs', () => {
    let fail = false;
    const seen: number[] = [];
    const insights: InsightsProvider = {
      description: '1 local rule',
      window: 2,
      evaluate: (window) => {
        seen.push(window.length);
        if (fail) throw new Error('rule crashed');
        return [{ severity: 'warning', rule: 'host', title: `host ${window.at(-1)?.host.name}` }];
      },
    };
    const model = new TuiModel({ insights, insightsEveryMs: 5000 });
    const at = (dt: number) => edited(golden, (s) => (s.timestamp += dt));
    expect(model.ingest(at(0)).findings).toBeNull(); // tab closed: nothing evaluated
    model.ingest(at(1000));
    expect(seen).toEqual([]);
    model.setInsightsActive(true); // opening evaluates at once, over the last two samples
    expect(seen).toEqual([2]);
    expect(model.latest()?.findings).toEqual([
      { severity: 'warning', rule: 'host', title: 'host storage-01' },
    ]);
    expect(model.latest()?.insightsAt).toBe(golden.timestamp + 1000);
    model.ingest(at(2000)); // 1 s later: the findings carry over
    expect(seen).toEqual([2]);
    expect(model.latest()?.insightsAt).toBe(golden.timestamp + 1000);
    fail = true;
    const frame = model.ingest(at(6000));
    expect(seen).toEqual([2, 2]);
    expect(frame.findings).toEqual([]);
    expect(frame.insightsError).toBe('rule crashed');
    model.setInsightsActive(false);
    model.ingest(at(20_000));
    expect(seen).toEqual([2, 2]);
  });

  it('keeps per-process history keyed by pid and start time', () => {
    const model = modelOf([
      golden,
      edited(golden, (s) => (s.sections.processes.data.top[0].cpuPercent = 42)),
    ]);
    const p = (golden.sections.processes as Loose).data.top[0];
    expect(model.processes.window(`${p.pid}:${p.startTime}.cpuPercent`, 1, 2)).toEqual([null, 42]);
  });
});

describe('hostMetrics', () => {
  it('sums disk IO over whole disks only: no partitions, dm or md twice', () => {
    const golden = loadGolden('nvme-dm-md');
    const devices = (golden.sections.disks as Loose).data.devices as Loose[];
    expect(devices.filter(isLeafDisk).map((d) => d.name)).toEqual([
      'nvme0n1',
      'nvme1n1',
      'sda',
      'sdb',
      'mmcblk0',
      'vda',
      'zram0',
    ]);
    const rated = edited(golden, (s) => {
      for (const d of s.sections.disks.data.devices) d.rates = { readBytesPerSec: 100, writeBytesPerSec: 1 };
    });
    const metrics = new Map(hostMetrics(rated));
    expect(metrics.get('disk.total.readBytesPerSec')).toBe(700);
    expect(metrics.get('disk.dm-0.readBytesPerSec')).toBe(100);
  });

  it('keeps first-sample rates as nulls, not zeros', () => {
    const metrics = new Map(hostMetrics(loadGolden('v2-containers')));
    expect(metrics.get('cpu.busyFraction')).toBeNull();
    expect(metrics.get('net.total.rxBytesPerSec')).toBeNull();
    expect(metrics.get('memory.usedFraction')).toBeGreaterThan(0);
    expect(metrics.get('psi.irq.someAvg10Percent')).toBeNull();
    expect(metrics.get('psi.irq.fullAvg10Percent')).toBe(0.01);
  });
});
