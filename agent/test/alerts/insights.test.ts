import { describe, expect, it } from 'vitest';
import { sampleSnapshot } from '../otel/sample-snapshot.js';
import { evaluateLocalInsights, snapshotSeriesSource } from '../../src/alerts/insights.js';

describe('local insights', () => {
  it('maps snapshots to series and evaluates the default pack', () => {
    const a = sampleSnapshot();
    const b = { ...a, timestamp: a.timestamp + 1000 };
    const source = snapshotSeriesSource([a, b], 'box');
    const cpu = source.series(
      null,
      'system.cpu.utilization',
      { 'cpu.mode': 'idle' },
      0,
      Number.MAX_SAFE_INTEGER,
    );
    expect(cpu).toHaveLength(1);
    expect(cpu[0]!.points).toHaveLength(2);
    const findings = evaluateLocalInsights([a, b], 'box');
    expect(Array.isArray(findings)).toBe(true);
    for (const f of findings) expect(f.state).toBe('firing');
  });
});
