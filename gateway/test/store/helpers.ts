import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestPoint, MetricKind } from '../../src/store/types.js';

/** A small seeded PRNG (mulberry32): reproducible random data for round trips and simulated series. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A temporary data directory, removed by the returned cleanup. */
export function tempDataDir(prefix = 'sysray-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A wall clock the test moves by hand. */
export class TestClock {
  constructor(public now: number) {}
  wallMs(): number {
    return this.now;
  }
}

export function point(
  metric: string,
  timestampMs: number,
  value: number,
  attributes: Record<string, string> = {},
  kind: MetricKind = 'gauge',
  unit = '1',
): IngestPoint {
  return { metric, unit, kind, attributes, timestampMs, value };
}
