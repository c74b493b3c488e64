import { describe, expect, it } from 'vitest';
import type { Explanation } from '../../src/explain/types.js';
import { explainSourceFrom, loadExplain } from '../../src/tui/explain.js';
import { loadInsights } from '../../src/tui/insights.js';
import { edited, loadGolden, modelOf, renderTui } from './helpers.js';

function notFound(specifier: string): Error {
  return Object.assign(new Error(`Cannot find module '${specifier}'`), { code: 'ERR_MODULE_NOT_FOUND' });
}

const cpuTime: Explanation = {
  id: 'system.cpu.time',
  kind: 'metric',
  lang: 'en',
  audience: 'beginner',
  title: 'CPU time',
  what: 'Seconds each CPU spent in each mode. It only grows.',
  healthy: 'Idle dominates.',
  action: 'Find the busy process.',
  source: { section: 'cpu', fields: ['cpu.times'], kernel: ['/proc/stat'] },
  metric: {
    unit: 's',
    instrument: 'counter',
    prometheus: 'system_cpu_time_seconds_total',
    attributes: [],
    note: null,
  },
  related: [{ id: 'concept:steal', title: 'Steal time' }],
};

const explainModule = {
  searchExplanations: (query: string) => (query === 'cpu' ? [{ explanation: cpuTime, score: 100 }] : []),
  explanationFor: (id: string) => (id === cpuTime.id ? cpuTime : null),
};

describe('loadInsights', () => {
  it('is null while agent/src/alerts does not exist', async () => {
    expect(await loadInsights(async (s) => Promise.reject(notFound(s)))).toBeNull();
    expect(await loadInsights(async () => ({}))).toBeNull();
  });

  it('adapts evaluateLocalInsights of the alerts engine', async () => {
    const calls: [number, string | undefined][] = [];
    const alert = {
      fingerprint: 'x',
      rule: 'HighLoadPerCore',
      severity: 'warning',
      hostId: 'local',
      state: 'firing',
      labels: {},
      annotations: { summary: '15-minute load 2.6 per CPU on web-01' },
      value: 2.6,
      activeSinceMs: 0,
      firedAtMs: 0,
      resolvedAtMs: null,
      flapping: false,
      mutedBy: [],
    };
    const provider = await loadInsights(async () => ({
      evaluateLocalInsights: (snapshots: readonly unknown[], hostname?: string) => {
        calls.push([snapshots.length, hostname]);
        return [alert];
      },
    }));
    expect(provider?.description).toBe('default alert pack');
    const findings = provider?.evaluate([loadGolden('hybrid-v1v2'), loadGolden('hybrid-v1v2')]);
    expect(calls).toEqual([[2, 'web-01']]);
    expect(findings).toEqual([
      {
        severity: 'warning',
        rule: 'HighLoadPerCore',
        title: '15-minute load 2.6 per CPU on web-01',
        detail: 'value 2.6',
      },
    ]);
  });

  it('works with the real alerts engine', async () => {
    const provider = await loadInsights(() => import('../../src/alerts/insights.js'));
    expect(provider).not.toBeNull();
    const busy = edited(loadGolden('hybrid-v1v2'), (s) => {
      s.sections.cpu.data.load = { load1: 40, load5: 40, load15: 40 };
    });
    const findings = provider?.evaluate([busy]) ?? [];
    const load = findings.find((f) => f.rule === 'HighLoadPerCore');
    expect(load?.title).toContain('web-01');
    expect(provider?.evaluate([loadGolden('hybrid-v1v2')]).map((f) => f.rule)).not.toContain(
      'HighLoadPerCore',
    );
  });

  it('reports a broken alerts module instead of hiding it', async () => {
    await expect(loadInsights(async () => Promise.reject(new Error('SyntaxError in rules')))).rejects.toThrow(
      /SyntaxError/,
    );
  });
});

describe('the explain search', () => {
  it('is absent when the module is, or lacks its functions', async () => {
    expect(await loadExplain(async (s) => Promise.reject(notFound(s)))).toBeNull();
    expect(explainSourceFrom({ searchExplanations: () => [] })).toBeNull();
    await expect(loadExplain(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('adapts searchExplanations and explanationFor', async () => {
    const source = await loadExplain(async () => explainModule);
    expect(source?.search('cpu', 10)).toEqual([
      { id: 'system.cpu.time', title: 'CPU time', summary: 'Seconds each CPU spent in each mode.' },
    ]);
    expect(source?.search('nothing', 10)).toEqual([]);
    const detail = source?.detail('system.cpu.time') ?? [];
    expect(detail[0]).toBe('CPU time (system.cpu.time)');
    expect(detail).toContain('Source: cpu, cpu.times; kernel: /proc/stat');
    expect(detail).toContain('Related: Steal time');
    expect(source?.detail('unknown')).toEqual([]);
  });

  it('searches from the help pane as the user types', async () => {
    const explain = explainSourceFrom(explainModule);
    const tui = await renderTui(
      { model: modelOf([loadGolden('no-psi')]), explain },
      { columns: 100, rows: 40 },
    );
    await tui.press('?');
    await tui.press('cpu');
    const frame = tui.frame();
    expect(frame).toContain('explain: cpu');
    expect(frame).toContain('CPU time');
    expect(frame).toContain('What: Seconds each CPU spent in each mode. It only grows.');
    expect(frame).toContain('Healthy: Idle dominates.');
    await tui.press('zz');
    expect(tui.frame()).toContain('nothing matches "cpuzz"');
    tui.unmount();
  });

  it('works with the real explain catalog', async () => {
    const source = await loadExplain(() => import('../../src/explain/index.js'));
    expect(source).not.toBeNull();
    const results = source?.search('psi', 5) ?? [];
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThanOrEqual(5);
    const detail = source?.detail(results[0]!.id) ?? [];
    expect(detail[0]).toContain(results[0]!.title);
    expect(detail.some((p) => p.startsWith('What: '))).toBe(true);
  });

  it('says when explanations are not in this build', async () => {
    const tui = await renderTui(
      { model: modelOf([loadGolden('no-psi')]), explain: null },
      { columns: 100, rows: 40 },
    );
    await tui.press('?');
    expect(tui.frame()).toContain('explanations are not available in this build');
    tui.unmount();
  });
});

describe('the Insights tab with local rules', () => {
  it('evaluates when opened and lists the findings', async () => {
    const { TuiModel } = await import('../../src/tui/model.js');
    const model = new TuiModel({
      insights: {
        description: '2 local rules',
        window: 3,
        evaluate: (window) => [
          {
            severity: 'critical',
            rule: 'memory.high',
            title: `memory high on ${window.at(-1)?.host.name}`,
            detail: 'used 91%',
          },
        ],
      },
    });
    const tui = await renderTui(
      { model: modelOf([loadGolden('hybrid-v1v2')], model) },
      { columns: 120, rows: 30 },
    );
    await tui.press('\u001b[Z');
    await tui.press('\u001b[Z');
    const frame = tui.frame();
    expect(frame).toContain('2 local rules · 1 findings as of 12:00:00Z');
    expect(frame).toContain('memory high on web-01 — used 91%');
    expect(frame).toContain('critical');
    tui.unmount();
  });
});
