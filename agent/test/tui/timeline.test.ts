import { describe, expect, it } from 'vitest';
import { sectionError } from '@sysray/proto';
import { deriveEvents } from '../../src/tui/timeline.js';
import { edited, loadGolden, type Loose } from './helpers.js';

const base = loadGolden('v2-containers');
const later = (edit: (s: Loose) => void = () => {}) =>
  edited(base, (s) => {
    s.timestamp += 1000;
    edit(s);
  });

describe('deriveEvents', () => {
  it('reports nothing between two identical samples', () => {
    expect(deriveEvents(base, later(), { isAlive: () => true })).toEqual([]);
  });

  it('reports a process that started since the previous sample', () => {
    const next = later((s) => {
      const template = s.sections.processes.data.top[0];
      s.sections.processes.data.top.push({
        ...template,
        pid: 7777,
        name: 'backup',
        command: 'backup --full',
        startTime: base.timestamp / 1000 + 0.5,
      });
    });
    const events = deriveEvents(base, next);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'process-started',
      pid: 7777,
      severity: 'info',
      at: next.timestamp,
    });
    expect(events[0]?.text).toContain('backup --full');
  });

  it('does not call an old process that only entered the top list a start', () => {
    const next = later((s) => {
      const template = s.sections.processes.data.top[0];
      s.sections.processes.data.top.push({ ...template, pid: 7778, startTime: 1_000_000 });
    });
    expect(deriveEvents(base, next)).toEqual([]);
  });

  it('reports an exit only when the pid is gone, not when it left the list', () => {
    const next = later((s) => {
      s.sections.processes.data.top = s.sections.processes.data.top.filter((p: Loose) => p.pid !== 3105);
    });
    expect(deriveEvents(base, next, { isAlive: () => true })).toEqual([]);
    const exits = deriveEvents(base, next, { isAlive: (pid) => pid !== 3105 });
    expect(exits).toHaveLength(1);
    expect(exits[0]).toMatchObject({ kind: 'process-exited', pid: 3105 });
    expect(exits[0]?.text).toContain('java');
    // A replay cannot look: no isAlive, no exit events.
    expect(deriveEvents(base, next)).toEqual([]);
  });

  it('reports a pressure spike crossing the threshold and its easing', () => {
    const spiked = later((s) => {
      s.sections.pressure.data.memory.some.avg10 = 45;
    });
    const up = deriveEvents(base, spiked);
    expect(up).toHaveLength(1);
    expect(up[0]).toMatchObject({ kind: 'pressure-spike', severity: 'critical' });
    expect(up[0]?.text).toBe('memory pressure some avg10 45.00% (≥ 10%)');
    const eased = edited(spiked, (s) => {
      s.timestamp += 1000;
      s.sections.pressure.data.memory.some.avg10 = 3;
    });
    expect(deriveEvents(spiked, eased)[0]).toMatchObject({ kind: 'pressure-eased', severity: 'info' });
    // A threshold of 50 makes 45% no spike.
    expect(deriveEvents(base, spiked, { pressureSpikePercent: 50 })).toEqual([]);
  });

  it('uses the full line for irq, which has no some line', () => {
    const next = later((s) => {
      s.sections.pressure.data.irq.full.avg10 = 12;
    });
    expect(deriveEvents(base, next)[0]?.text).toBe('irq pressure full avg10 12.00% (≥ 10%)');
  });

  it('reports a collector failing (once per message) and recovering', () => {
    const failed = later((s) => {
      s.sections.disks = sectionError('/proc/diskstats: EACCES', { collectedAt: 0, durationMs: 1 });
    });
    const down = deriveEvents(base, failed);
    expect(down).toEqual([
      {
        at: failed.timestamp,
        kind: 'collector-error',
        severity: 'critical',
        text: 'disks collector failed: /proc/diskstats: EACCES',
      },
    ]);
    expect(
      deriveEvents(
        failed,
        edited(failed, (s) => (s.timestamp += 1000)),
      ),
    ).toEqual([]);
    const up = deriveEvents(failed, later());
    expect(up[0]).toMatchObject({ kind: 'collector-recovered', text: 'disks collector recovered (ok)' });
  });

  it('reports a failing collector on the very first sample', () => {
    const failed = edited(base, (s) => {
      s.sections.cpu = sectionError('boom', { collectedAt: 0, durationMs: 1 });
    });
    expect(deriveEvents(null, failed).map((e) => e.kind)).toEqual(['collector-error']);
  });
});
