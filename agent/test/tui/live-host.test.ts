import { describe, expect, it } from 'vitest';
import { DEFAULT_COLLECTORS_CONFIG } from '../../src/collectors/config.js';
import { resolveHostRoots } from '../../src/platform/host-roots.js';
import { createRedactor } from '../../src/redact.js';
import { HostSession } from '../../src/snapshot/host-session.js';
import { TuiModel } from '../../src/tui/model.js';
import { prepareSnapshot } from '../../src/tui/sanitize.js';
import { lineWidths, renderTui } from './helpers.js';

describe('the TUI on this host', () => {
  it.runIf(process.platform === 'linux')('draws real samples: host, CPU share, processes', async () => {
    const session = new HostSession({
      roots: resolveHostRoots({}, {}),
      // This test's own process is always kept in detail, so the Processes tab must list it.
      config: {
        ...DEFAULT_COLLECTORS_CONFIG,
        processes: { ...DEFAULT_COLLECTORS_CONFIG.processes, pids: [process.pid] },
      },
    });
    const model = new TuiModel();
    const redactor = createRedactor();
    model.ingest(prepareSnapshot(await session.refresh(), redactor));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = model.ingest(prepareSnapshot(await session.refresh(), redactor)).snapshot;
    const busy = model.metrics.at('cpu.busyFraction', 1);
    expect(busy).not.toBeNull();
    expect(busy).toBeGreaterThanOrEqual(0);
    expect(busy).toBeLessThanOrEqual(1);

    const tui = await renderTui({ model }, { columns: 120, rows: 40 });
    expect(tui.frame()).toContain(second.host.name);
    expect(tui.frame()).toMatch(/CPU\s+\S*\s+\d+\.\d%/);
    await tui.press('6');
    const processes = tui.frame();
    expect(processes).toMatch(/\d+ tasks/);
    for (const keys of ['/', String(process.pid), '\r']) await tui.press(keys);
    expect(tui.frame()).toContain(`filter "${process.pid}"`);
    expect(tui.frame()).toMatch(new RegExp(`^\\s*${process.pid} `, 'm'));
    expect(Math.max(...lineWidths(processes))).toBeLessThanOrEqual(120);
    tui.unmount();
  });
});
