import { describe, expect, it } from 'vitest';
import type { CpuData, PressureData } from '@sysray/proto';
import { ok, unsupported, type AnyCollector } from '../../src/collectors/types.js';
import { ManualClock, systemClock } from '../../src/platform/clock.js';
import { DEFAULT_HOST_ROOTS } from '../../src/platform/host-roots.js';
import { CollectionScheduler } from '../../src/snapshot/scheduler.js';
import { runCollector } from '../../src/snapshot/run-collector.js';

const roots = DEFAULT_HOST_ROOTS;

function collector(section: AnyCollector['section'], collect: () => Promise<unknown>): AnyCollector {
  return { section, collect } as unknown as AnyCollector;
}

describe('runCollector', () => {
  it('turns a throw into an error section with the cause and keeps timing', async () => {
    const clock = new ManualClock();
    const failing = collector('cpu', async () => {
      clock.advance(7);
      throw Object.assign(new Error('open /proc/stat failed'), { code: 'EACCES' });
    });
    const section = await runCollector(failing as never, { roots, clock, timeoutMs: 1000 });
    expect(section).toMatchObject({
      status: 'error',
      message: 'EACCES: open /proc/stat failed',
      durationMs: 7,
    });
  });

  it('reports unsupported as its own status, not an error', async () => {
    const absent = collector('pressure', async () => unsupported('no /proc/pressure'));
    const section = await runCollector(absent as never, { roots, clock: systemClock, timeoutMs: 1000 });
    expect(section).toMatchObject({ status: 'unsupported', reason: 'no /proc/pressure' });
  });

  it('gives up on a hung collector after its timeout and aborts its signal', async () => {
    let aborted = false;
    const hung = {
      section: 'disks',
      collect: (context: { signal: AbortSignal }) =>
        new Promise(() => {
          context.signal.addEventListener('abort', () => {
            aborted = true;
          });
        }),
    };
    const section = await runCollector(hung as never, { roots, clock: systemClock, timeoutMs: 30 });
    expect(section).toMatchObject({ status: 'error', message: 'collector disks timed out after 30 ms' });
    expect(aborted).toBe(true);
  });
});

describe('CollectionScheduler', () => {
  it('isolates collectors: one failing does not sink the others, and health counts it', async () => {
    const scheduler = new CollectionScheduler({
      collectors: [
        collector('cpu', async () => ok({ logicalCpus: 4 } as unknown as CpuData)),
        collector('memory', async () => {
          throw new Error('meminfo unreadable');
        }),
        collector('pressure', async () => ok({ unavailable: {} } as unknown as PressureData)),
      ],
      roots,
      clock: systemClock,
      intervalMs: 1000,
    });
    await scheduler.collectAll();
    await scheduler.collectAll();
    const sections = scheduler.sections();
    expect(sections.cpu.status).toBe('ok');
    expect(sections.memory).toMatchObject({ status: 'error', message: 'meminfo unreadable' });
    expect(sections.pressure.status).toBe('ok');
    expect(sections.disks).toMatchObject({ status: 'unsupported', reason: 'collector disabled' });
    expect(scheduler.health.get('memory')).toMatchObject({
      runs: 2,
      errors: 2,
      lastError: 'meminfo unreadable',
    });
    expect(scheduler.health.get('cpu')).toMatchObject({ runs: 2, errors: 0, lastStatus: 'ok' });
  });

  it('runs each collector on its own interval until stopped', async () => {
    const runs = { cpu: 0, memory: 0 };
    const scheduler = new CollectionScheduler({
      collectors: [
        collector('cpu', async () => {
          runs.cpu += 1;
          return ok({} as CpuData);
        }),
        collector('memory', async () => {
          runs.memory += 1;
          return ok({});
        }),
      ],
      roots,
      clock: systemClock,
      intervalMs: 20,
      intervalsMs: { memory: 10_000 },
    });
    scheduler.start();
    await new Promise((resolve) => setTimeout(resolve, 130));
    await scheduler.stop();
    const cpuRunsAtStop = runs.cpu;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(cpuRunsAtStop).toBeGreaterThanOrEqual(4);
    expect(runs.memory).toBe(1);
    expect(runs.cpu).toBe(cpuRunsAtStop);
  });
});
