import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPressureCollector } from '../../src/collectors/pressure.js';
import { parsePressure } from '../../src/collectors/pressure-parse.js';
import type { CollectContext, CollectOutcome } from '../../src/collectors/types.js';
import { ManualClock } from '../../src/platform/clock.js';
import { resolveHostRoots } from '../../src/platform/host-roots.js';
import type * as ReadModule from '../../src/platform/read.js';

// Reading /proc/pressure/* fails with EOPNOTSUPP when PSI is compiled in but disabled at boot; a plain file
// cannot do that, so the read helper is wrapped to fail for paths the test names.
const failing = vi.hoisted(() => ({ paths: new Set<string>(), code: 'EOPNOTSUPP' }));
vi.mock('../../src/platform/read.js', async (importOriginal) => {
  const actual = await importOriginal<typeof ReadModule>();
  return {
    ...actual,
    readKernelFileSync: (file: string): string | null => {
      if (failing.paths.has(file)) {
        throw Object.assign(new Error(`${failing.code}: operation not supported, read`), {
          code: failing.code,
        });
      }
      return actual.readKernelFileSync(file);
    },
  };
});

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

function contextFor(rootfs: string): CollectContext {
  return {
    roots: resolveHostRoots({ rootfs }, {}),
    clock: new ManualClock(),
    signal: new AbortController().signal,
  };
}

function dataOf<T>(outcome: CollectOutcome<T>): T {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got unsupported: ${outcome.reason}`);
  return outcome.data;
}

const temps: string[] = [];
function copyFixture(variant: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `sysray-pressure-${variant}-`));
  temps.push(dir);
  cpSync(path.join(FIXTURES, variant, 'proc/pressure'), path.join(dir, 'proc/pressure'), { recursive: true });
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  failing.paths.clear();
});

describe('parsePressure', () => {
  it('reads some and full lines', () => {
    const resource = parsePressure(
      'some avg10=1.50 avg60=0.75 avg300=0.25 total=2500000\nfull avg10=0.50 avg60=0.25 avg300=0.10 total=1000000\n',
    );
    expect(resource).toEqual({
      some: { avg10: 1.5, avg60: 0.75, avg300: 0.25, totalSeconds: 2.5 },
      full: { avg10: 0.5, avg60: 0.25, avg300: 0.1, totalSeconds: 1 },
    });
  });

  it('gives a null full for cpu before Linux 5.13', () => {
    expect(parsePressure('some avg10=0.00 avg60=0.00 avg300=0.00 total=7\n')?.full).toBeNull();
  });

  it('reads the full-only irq file with a null some (the kernel tracks no some state for irq)', () => {
    const resource = parsePressure('full avg10=0.01 avg60=0.02 avg300=0.00 total=34567890\n');
    const line = { avg10: 0.01, avg60: 0.02, avg300: 0, totalSeconds: 34.56789 };
    expect(resource).toEqual({ some: null, full: line });
  });

  it('gives null for text without PSI lines', () => {
    expect(parsePressure('')).toBeNull();
    expect(parsePressure('garbage\nfullish avg10=1\n')).toBeNull();
  });
});

describe('pressure collector on fixture trees', () => {
  it('reports all four resources on v2-containers (Linux 6.8)', async () => {
    const collector = createPressureCollector();
    expect(collector.section).toBe('pressure');
    const data = dataOf(await collector.collect(contextFor(path.join(FIXTURES, 'v2-containers'))));
    expect(data.cpu?.some).toEqual({ avg10: 2.04, avg60: 1.57, avg300: 1.21, totalSeconds: 5234.56789 });
    // System-level cpu full has been printed as zeros since 5.13.
    expect(data.cpu?.full).toEqual({ avg10: 0, avg60: 0, avg300: 0, totalSeconds: 0 });
    expect(data.memory?.full).toEqual({ avg10: 0.05, avg60: 0.02, avg300: 0.01, totalSeconds: 45.678901 });
    expect(data.io?.some?.avg300).toBe(0.51);
    expect(data.io?.full?.totalSeconds).toBeCloseTo(456.789012, 9);
    expect(data.irq?.full?.totalSeconds).toBeCloseTo(34.56789, 9);
    expect(data.irq?.some).toBeNull();
    expect(data.unavailable).toEqual({});
  });

  it('reports irq as unavailable on hybrid-v1v2 (Linux 5.4)', async () => {
    const root = path.join(FIXTURES, 'hybrid-v1v2');
    const data = dataOf(await createPressureCollector().collect(contextFor(root)));
    expect(data.cpu?.some?.avg10).toBe(0.52);
    expect(data.cpu?.full).toBeNull();
    expect(data.memory?.full?.totalSeconds).toBeCloseTo(1.234567, 9);
    expect(data.io?.some).toEqual({ avg10: 1.25, avg60: 0.98, avg300: 0.77, totalSeconds: 345.678901 });
    expect(data.irq).toBeNull();
    expect(Object.keys(data.unavailable)).toEqual(['irq']);
    expect(data.unavailable.irq).toContain(path.join(root, 'proc/pressure/irq'));
    expect(data.unavailable.irq).toContain('Linux 6.1');
    expect(data.unavailable.irq).toContain('CONFIG_IRQ_TIME_ACCOUNTING');
  });

  it('reports nvme-dm-md (Linux 6.1)', async () => {
    const data = dataOf(
      await createPressureCollector().collect(contextFor(path.join(FIXTURES, 'nvme-dm-md'))),
    );
    expect(data.io?.some?.avg10).toBe(6.12);
    expect(data.io?.full?.totalSeconds).toBeCloseTo(65432.109876, 9);
    expect(data.irq?.full?.avg10).toBe(0.03);
    expect(data.unavailable).toEqual({});
  });

  it('is unsupported on no-psi (Linux 4.15)', async () => {
    const root = path.join(FIXTURES, 'no-psi');
    const outcome = await createPressureCollector().collect(contextFor(root));
    expect(outcome.kind).toBe('unsupported');
    if (outcome.kind !== 'unsupported') return;
    expect(outcome.reason).toContain(path.join(root, 'proc/pressure'));
    expect(outcome.reason).toContain('Linux 4.20');
    expect(outcome.reason).toContain('CONFIG_PSI');
    expect(outcome.reason).toContain('psi=1');
  });
});

describe('pressure collector edge cases', () => {
  it('reports a single missing file as null with its reason', async () => {
    const root = copyFixture('nvme-dm-md');
    rmSync(path.join(root, 'proc/pressure/memory'));
    const data = dataOf(await createPressureCollector().collect(contextFor(root)));
    expect(data.memory).toBeNull();
    expect(data.cpu).not.toBeNull();
    expect(data.unavailable).toEqual({ memory: `${path.join(root, 'proc/pressure/memory')} not present` });
  });

  it('reports an empty /proc/pressure as four unavailable resources', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'sysray-pressure-empty-'));
    temps.push(root);
    mkdirSync(path.join(root, 'proc/pressure'), { recursive: true });
    const data = dataOf(await createPressureCollector().collect(contextFor(root)));
    expect([data.cpu, data.memory, data.io, data.irq]).toEqual([null, null, null, null]);
    expect(Object.keys(data.unavailable).sort()).toEqual(['cpu', 'io', 'irq', 'memory']);
  });

  it('throws naming the path for a file with no PSI lines', async () => {
    const root = copyFixture('v2-containers');
    writeFileSync(path.join(root, 'proc/pressure/io'), 'garbage\n');
    await expect(createPressureCollector().collect(contextFor(root))).rejects.toThrow(
      path.join(root, 'proc/pressure/io'),
    );
  });

  it.each(['EOPNOTSUPP', 'ENOTSUP'])('is unsupported when the read fails with %s (psi=0)', async (code) => {
    const root = copyFixture('v2-containers');
    failing.code = code;
    failing.paths.add(path.join(root, 'proc/pressure/cpu'));
    const outcome = await createPressureCollector().collect(contextFor(root));
    expect(outcome.kind).toBe('unsupported');
    if (outcome.kind === 'unsupported') {
      expect(outcome.reason).toContain(path.join(root, 'proc/pressure/cpu'));
      expect(outcome.reason).toContain('psi=1');
    }
  });

  it('throws on any other read error', async () => {
    const root = copyFixture('v2-containers');
    failing.code = 'EIO';
    failing.paths.add(path.join(root, 'proc/pressure/io'));
    await expect(createPressureCollector().collect(contextFor(root))).rejects.toThrow(
      `${path.join(root, 'proc/pressure/io')}: EIO`,
    );
  });
});

describe('pressure collector on the live host', () => {
  it.runIf(process.platform === 'linux')('reports sane values or says why not', async () => {
    const roots = resolveHostRoots({}, {});
    const outcome = await createPressureCollector().collect({
      roots,
      clock: new ManualClock(),
      signal: new AbortController().signal,
    });
    if (outcome.kind === 'unsupported') {
      expect(outcome.reason).toMatch(/PSI/);
      return;
    }
    const data = outcome.data;
    for (const resource of [data.cpu, data.memory, data.io, data.irq]) {
      if (resource === null) continue;
      const line = resource.some ?? resource.full;
      expect(line).not.toBeNull();
      expect(line?.avg10).toBeGreaterThanOrEqual(0);
      expect(line?.avg10).toBeLessThanOrEqual(100);
      expect(line?.totalSeconds).toBeGreaterThanOrEqual(0);
    }
    expect(data.cpu ?? data.unavailable.cpu).toBeTruthy();
    expect(data.irq !== null || typeof data.unavailable.irq === 'string').toBe(true);
  });
});
