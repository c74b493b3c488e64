import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Snapshot } from '@sysray/proto';
import type { TuiActions } from '../../src/tui/components/App.js';
import { TABS, type TabId } from '../../src/tui/state.js';
import {
  GOLDEN_NAMES,
  KEYS,
  edited,
  lineWidths,
  loadGolden,
  loadSnapshot,
  modelOf,
  renderTui,
  settle,
  stripSgr,
  tuiFixture,
  type RenderedTui,
} from './helpers.js';

/** What each tab must show for each golden host (fixture facts, see agent/test/fixtures/README.md). */
const EXPECTED: Record<(typeof GOLDEN_NAMES)[number], Record<TabId, readonly (string | RegExp)[]>> = {
  'v2-containers': {
    overview: ['k8s-node-1', 'Ubuntu 24.04.1 LTS', 'kernel 6.8.0-45-generic', 'Top processes', '13 tasks'],
    cpu: ['8 logical CPUs', 'cpu0', 'cpu7', 'load 1.52 1.31 1.18'],
    memory: ['used 6.7 GiB of 15 GiB', 'Breakdown and paging', 'no swap'],
    disks: ['nvme0n1', 'nvme', '100 GiB', 'partitions nvme0n1p1'],
    filesystems: ['/boot/efi', 'vfat', '/srv/team share'],
    processes: ['java -Xmx512m -jar /app/app.jar', '--password=***', 'redis-server'],
    containers: [
      'cgroup v2 at /sys/fs/cgroup',
      'cri-o 0501b7e61650',
      'pod 0c9d8e7f',
      'podman 0cc156238321',
      '7 containers',
    ],
    pressure: ['cpu', 'memory', 'io', 'irq', /some\s+2\.04%/],
    network: ['flannel.1', 'vxlan', 'veth6c1e2a9', 'established 11'],
    gpu: ['no GPU data', 'no GPU found'],
    insights: ['no local rules loaded'],
    timeline: ['Timeline', '0 events this session'],
  },
  'hybrid-v1v2': {
    overview: ['web-01', 'Ubuntu 20.04.6 LTS', '4 CPUs'],
    cpu: ['4 logical CPUs', 'cpu3'],
    memory: ['Breakdown and paging', 'swap used'],
    disks: ['sda', 'sdb', 'scsi'],
    filesystems: ['/mnt/backups', '/home'],
    processes: ['dockerd', 'mysqldump'],
    containers: ['hybrid with v1', 'docker f6c1d20a3e62', 'cron.service'],
    pressure: ['irq', 'not present'],
    network: ['eth0', 'lo'],
    gpu: ['no GPU data'],
    insights: ['no local rules loaded'],
    timeline: ['0 events this session'],
  },
  'no-psi': {
    overview: ['legacy-xen', 'Ubuntu 18.04.6 LTS', '2 CPUs', 'PSI needs Linux 4.20+'],
    cpu: ['2 logical CPUs', 'cpu1'],
    memory: ['Breakdown and paging'],
    disks: ['xvda', 'xvdb', 'xen'],
    filesystems: ['/data', 'xfs'],
    processes: ['dockerd', 'psql'],
    containers: ['not available on this host', 'cgroup v1 only'],
    pressure: ['not available on this host', 'PSI needs Linux 4.20+'],
    network: ['eth0'],
    gpu: ['no GPU data'],
    insights: ['no local rules loaded'],
    timeline: ['0 events this session'],
  },
  'nvme-dm-md': {
    overview: ['storage-01', 'Debian GNU/Linux 12 (bookworm)', '16 CPUs'],
    cpu: ['16 logical CPUs', 'cpu15'],
    memory: ['Breakdown and paging'],
    disks: ['vg0-root (dm-0)', 'md0', 'mmcblk0', 'zram0'],
    filesystems: ['/scratch', 'btrfs', '/mnt/sd'],
    processes: ['postgres', 'md0_raid1'],
    containers: ['lxc web1', 'systemd-nspawn debian-test', 'docker 7c83a62b390e'],
    pressure: ['irq', /some\s+4\.33%/],
    network: ['bond0.100', 'bond', 'vlan'],
    gpu: ['no GPU data'],
    insights: ['no local rules loaded'],
    timeline: ['0 events this session'],
  },
};

let open: RenderedTui[] = [];
afterEach(() => {
  for (const tui of open) tui.unmount();
  open = [];
});

async function tuiFor(
  snapshots: readonly Snapshot[],
  size: { columns: number; rows: number },
  actions?: TuiActions,
) {
  const tui = await renderTui({ model: modelOf(snapshots), ...(actions ? { actions } : {}) }, size);
  open.push(tui);
  return tui;
}

/** Opens a tab the way a user does: its digit, or Shift-Tab from Overview for the last two. */
async function openTab(tui: RenderedTui, tab: TabId): Promise<void> {
  const def = TABS.find((t) => t.id === tab)!;
  if (def.digit !== null) {
    await tui.press(def.digit);
  } else {
    await tui.press('1');
    await tui.press(KEYS.shiftTab);
    if (tab === 'insights') await tui.press(KEYS.shiftTab);
  }
}

describe('every tab on every golden Snapshot', () => {
  for (const name of GOLDEN_NAMES) {
    for (const size of [
      { columns: 80, rows: 24 },
      { columns: 160, rows: 48 },
    ]) {
      it(`${name} at ${size.columns}×${size.rows}`, async () => {
        const tui = await tuiFor([loadGolden(name)], size);
        for (const tab of TABS) {
          await openTab(tui, tab.id);
          const frame = tui.frame();
          for (const expected of EXPECTED[name][tab.id]) {
            if (typeof expected === 'string') expect(frame, `${tab.id}: ${expected}`).toContain(expected);
            else expect(frame, `${tab.id}: ${expected}`).toMatch(expected);
          }
          // Never wider than the terminal, never as tall (a full-height frame makes ink clear the screen).
          expect(Math.max(...lineWidths(frame)), tab.id).toBeLessThanOrEqual(size.columns);
          expect(frame.split('\n').length, tab.id).toBeLessThan(size.rows);
        }
      });
    }
  }
});

describe('layout', () => {
  it('uses the width of a larger terminal and follows a resize', async () => {
    const tui = await tuiFor([loadGolden('v2-containers')], { columns: 80, rows: 24 });
    await tui.press('6');
    expect(tui.frame()).not.toContain('CPU HISTORY');
    expect(tui.frame()).toContain(' 1 Ovw ');
    await tui.resize(160, 40);
    expect(tui.frame()).toContain('CPU HISTORY');
    expect(tui.frame()).toContain('WRITE/s');
    expect(tui.frame()).toContain(' 1 Overview ');
    expect(Math.max(...lineWidths(tui.frame()))).toBeGreaterThan(120);
    expect(tui.frame().split('\n').length).toBe(39);
    await tui.resize(80, 24);
    expect(tui.frame()).not.toContain('CPU HISTORY');
    expect(tui.frame().split('\n').length).toBe(23);
  });

  it('keeps rows of wide (CJK) characters within the terminal', async () => {
    const wide = edited(loadGolden('v2-containers'), (s) => {
      const p = s.sections.processes.data.top[0];
      p.command = '数据库服务器 --配置 /etc/数据库/主配置文件.conf ' + '长'.repeat(60);
      p.cpuPercent = 99;
    });
    const tui = await tuiFor([wide], { columns: 80, rows: 24 });
    await tui.press('6');
    expect(tui.frame()).toContain('数据库服务器');
    expect(Math.max(...lineWidths(tui.frame()))).toBeLessThanOrEqual(80);
    expect(tui.frame().split('\n').length).toBe(23);
  });

  it('says so when the terminal is too small', async () => {
    const tui = await tuiFor([loadGolden('v2-containers')], { columns: 50, rows: 10 });
    expect(tui.frame()).toContain('too small');
  });

  it('shows a waiting line before the first sample', async () => {
    const tui = await renderTui({ model: modelOf([]) }, { columns: 80, rows: 24 });
    open.push(tui);
    expect(tui.frame()).toContain('collecting the first sample');
  });
});

describe('untrusted strings', () => {
  it('cannot put a terminal escape on the screen from any tab', async () => {
    const hostile = loadSnapshot(tuiFixture('hostile-snapshot.json'));
    const tui = await tuiFor([hostile], { columns: 160, rows: 48 });
    const seen: string[] = [];
    for (const tab of TABS) {
      await openTab(tui, tab.id);
      seen.push(tui.rawFrame());
    }
    // The process name itself shows in its detail view.
    for (const keys of ['6', '/', '3105', KEYS.enter, KEYS.enter]) await tui.press(keys);
    seen.push(tui.rawFrame());
    expect(tui.frame()).toContain('pid 3105 ?]0;pwned?x');
    const all = seen.join('\n');
    // SGR (style) sequences are the TUI's own; nothing else may remain.
    const text = stripSgr(all);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('?]0;pwned?x');
    expect(text).toContain('?[2J?[31mrm -rf /');
    expect(text).toContain('evil?]0;owned?host');
    expect(text).toContain('GPU 0 Evil?]52;c;Y3VybA==? GPU');
    expect(text).not.toContain('abc123');
  });
});

describe('keys on the rendered TUI', () => {
  const golden = loadGolden('v2-containers');

  it('filters, sorts, shows the tree and the detail of a process', async () => {
    const tui = await tuiFor([golden], { columns: 120, rows: 40 });
    await tui.press('6');
    await tui.press('/');
    await tui.press('java');
    expect(tui.frame()).toContain('filter: java');
    expect(tui.frame()).not.toContain('redis-server');
    await tui.press(KEYS.enter);
    expect(tui.frame()).toContain('filter "java"');
    expect(tui.frame()).toContain('java -Xmx512m');
    await tui.press(KEYS.enter);
    expect(tui.frame()).toContain('pid 3105 java');
    expect(tui.frame()).toContain('command   java -Xmx512m -jar /app/app.jar');
    expect(tui.frame()).toContain('Children');
    await tui.press(KEYS.escape);
    await tui.press(KEYS.escape); // clears the filter
    expect(tui.frame()).toContain('redis-server');
    await tui.press('s');
    expect(tui.frame()).toContain('sorted by memory');
    const rows = tui.frame().split('\n');
    const java = rows.findIndex((l) => l.includes('java -Xmx'));
    const containerd = rows.findIndex((l) => l.includes('/usr/bin/containerd'));
    expect(java).toBeLessThan(containerd); // 512 MiB before 96 MiB
    await tui.press('T');
    expect(tui.frame()).toMatch(/└─ \[sh\]/);
    expect(tui.frame()).toContain('tree (T)');
  });

  it('opens help with every key, and the explain field', async () => {
    const tui = await tuiFor([golden], { columns: 120, rows: 40 });
    await tui.press('?');
    const frame = tui.frame();
    for (const text of ['Keys', 'filter the rows', 'scrub back', 'save the shown Snapshot', 'explain:']) {
      expect(frame).toContain(text);
    }
    await tui.press(KEYS.escape);
    expect(tui.frame()).toContain('Top processes');
  });

  it('pauses, scrubs back through history and returns to live', async () => {
    const second = edited(golden, (s) => {
      s.timestamp += 5000;
      s.host.name = 'k8s-node-1';
    });
    const tui = await tuiFor([golden, second], { columns: 120, rows: 30 });
    expect(tui.frame()).toContain('12:00:05Z');
    await tui.press('p');
    expect(tui.frame()).toContain('PAUSED');
    await tui.press(KEYS.left);
    expect(tui.frame()).toContain('PAUSED ◀ 1 sample back');
    expect(tui.frame()).toContain('12:00:00Z');
    await tui.press(KEYS.end);
    expect(tui.frame()).toContain('LIVE');
    expect(tui.frame()).toContain('12:00:05Z');
  });

  it('changes theme, saves the shown Snapshot and toggles recording through the actions', async () => {
    const saved: Snapshot[] = [];
    let recording = false;
    const actions: TuiActions = {
      save: async (s) => {
        saved.push(s);
        return 'saved ./sysray-snapshot-x.json';
      },
      toggleRecording: async () => {
        recording = !recording;
        return { recording, message: recording ? 'recording to ./sysray-recording/' : 'recording stopped' };
      },
    };
    const tui = await tuiFor([golden], { columns: 120, rows: 30 }, actions);
    await tui.press('t');
    expect(tui.frame()).toContain('theme: light');
    expect(tui.frame()).toContain('theme light');
    await tui.press('S');
    await settle();
    expect(saved).toHaveLength(1);
    expect(saved[0]?.host.name).toBe('k8s-node-1');
    expect(tui.frame()).toContain('saved ./sysray-snapshot-x.json');
    await tui.press('R');
    await settle();
    expect(tui.frame()).toContain('● REC');
    expect(tui.frame()).toContain('recording to ./sysray-recording/');
    await tui.press('R');
    await settle();
    expect(tui.frame()).not.toContain('● REC');
  });

  it('shows a failed save as an error message', async () => {
    const actions: TuiActions = {
      save: async () => {
        throw new Error('EACCES');
      },
      toggleRecording: async () => ({ recording: false, message: '' }),
    };
    const tui = await tuiFor([golden], { columns: 100, rows: 30 }, actions);
    await tui.press('S');
    await settle();
    expect(tui.frame()).toContain('save failed: EACCES');
  });

  it('re-renders once per sample, not on a timer', async () => {
    vi.useRealTimers();
    const model = modelOf([golden]);
    const tui = await renderTui({ model }, { columns: 100, rows: 30 });
    open.push(tui);
    const before = tui.frames.length;
    await settle(300);
    expect(tui.frames.length).toBe(before);
    model.ingest(edited(golden, (s) => (s.timestamp += 1000)));
    await settle();
    expect(tui.frames.length).toBe(before + 1);
  });
});
