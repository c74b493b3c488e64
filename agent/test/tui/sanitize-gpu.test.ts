import { describe, expect, it } from 'vitest';
import { parseSnapshot, sectionUnsupported } from '@sysray/proto';
import { createRedactor } from '../../src/redact.js';
import { fieldScale, formatField, gpuDevices, gpuView } from '../../src/tui/gpu.js';
import { prepareSnapshot, scrubDeep } from '../../src/tui/sanitize.js';
import { edited, loadGolden, loadSnapshot, tuiFixture, type Loose } from './helpers.js';

const hostile = loadSnapshot(tuiFixture('hostile-snapshot.json'));

/** Any C0/C1 control character, ESC included. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  }
  return out;
}

describe('prepareSnapshot', () => {
  it('leaves no control character anywhere, keys included', () => {
    expect(strings(hostile).some((s) => CONTROL.test(s))).toBe(true);
    const safe = prepareSnapshot(hostile, createRedactor());
    const bad = strings(safe).filter((s) => CONTROL.test(s));
    expect(bad).toEqual([]);
    expect(safe.host.name).toBe('evil?]0;owned?host');
  });

  it('masks secrets in command lines before scrubbing', () => {
    const safe = prepareSnapshot(hostile, createRedactor()) as Loose;
    const command: string = safe.sections.processes.data.top[0].command;
    expect(command).toBe('?[2J?[31mrm -rf / ?6n --token=***');
  });

  it('bounds long strings and cuts hostile nesting', () => {
    expect(scrubDeep('x'.repeat(5000), 10)).toBe('xxxxxxxxx…');
    let deep: Loose = 'leaf';
    for (let i = 0; i < 50; i += 1) deep = { deep };
    let cursor: Loose = scrubDeep(deep);
    let depth = 0;
    while (cursor && typeof cursor === 'object') {
      cursor = cursor.deep;
      depth += 1;
    }
    expect(depth).toBeLessThan(40);
    expect(cursor).toBeNull();
  });
});

describe('gpuView', () => {
  it('explains an absent section and an unsupported one', () => {
    const golden = loadGolden('v2-containers');
    // parseSnapshot turns a missing section into "unsupported: absent from this snapshot".
    const older = parseSnapshot(JSON.parse(JSON.stringify(edited(golden, (s) => delete s.sections.gpu))));
    expect(gpuView(older)).toEqual({ status: 'unsupported', reason: 'absent from this snapshot' });
    const none = edited(golden, (s) => {
      delete s.sections.gpu;
    });
    expect(gpuView(none).status).toBe('absent');
    const unsupported = edited(golden, (s) => {
      s.sections.gpu = sectionUnsupported('nvidia-smi not found', { collectedAt: 0, durationMs: 0 });
    });
    expect(gpuView(unsupported)).toEqual({ status: 'unsupported', reason: 'nvidia-smi not found' });
  });

  it('reads devices, other lists and reasons generically', () => {
    const view = gpuView(prepareSnapshot(hostile, createRedactor()));
    if (view.status !== 'ok') throw new Error(view.status);
    expect(view.devices).toHaveLength(1);
    const gpu = view.devices[0]!;
    expect(gpu.key).toBe('0');
    expect(gpu.title).toBe('GPU 0 Evil?]52;c;Y3VybA==? GPU');
    expect(gpu.numbers).toContainEqual(['utilization', 0.5]);
    expect(gpu.numbers).toContainEqual(['temperatureCelsius', 61]);
    expect(gpu.numbers.map(([f]) => f)).not.toContain('sampledAt');
    expect(gpu.texts).toContainEqual(['engines', 'gfx utilization 50.0%']);
    expect(view.lists[0]?.name).toBe('processes');
    expect(view.lists[0]?.items[0]).toContain('memoryBytes 512 MiB');
    expect(view.notes).toContainEqual(['drm?[2J', 'no DRM ?[31mcards']);
    expect(gpuDevices(hostile)).toHaveLength(1);
  });

  it('formats fields by their unit suffix', () => {
    expect(formatField('memoryUsedBytes', 1073741824)).toBe('1.0 GiB');
    expect(formatField('utilization', 0.5)).toBe('50.0%');
    expect(formatField('memoryBusy', 0.25)).toBe('25.0%');
    expect(formatField('fanSpeedFraction', 1)).toBe('100.0%');
    expect(formatField('temperatureCelsius', 61.4)).toBe('61 °C');
    expect(formatField('powerWatts', 120.56)).toBe('120.6 W');
    expect(formatField('coreClockHz', 1_410_000_000)).toBe('1410 MHz');
    expect(formatField('count', 3)).toBe('3');
    expect(formatField('ratio', 0.123)).toBe('0.12');
    expect(formatField('x', null)).toBe('-');
    expect(fieldScale('utilization')).toEqual({ min: 0, max: 1 });
    expect(fieldScale('powerWatts')).toEqual({ min: 0 });
  });
});
