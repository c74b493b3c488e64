// CPU of the TUI (`sysray` with no command) on the live host at a 1 s refresh, as % of one core, in a real
// pseudo-terminal: tmux runs it in a 120×40 pane on its own server socket, and the node process's
// utime+stime are read from /proc/<pid>/stat over the window. Target: ≤ 2% of one core.
// Then, in this process, where one sample's CPU goes: collection, the model (redaction, scrubbing,
// histories), and drawing (React and ink) of a 120×40 frame.
// SYSRAY_BENCH_TUI_WINDOW sets the window in seconds (default 30).
import { execFileSync, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, rssBytes } from './lib/proc-usage.js';
import { mib } from './lib/stats.js';

const cli = fileURLToPath(new URL('../agent/bin/sysray.js', import.meta.url));
const WINDOW_S = Number(process.env.SYSRAY_BENCH_TUI_WINDOW ?? 30);
const WARMUP_S = 5;
const TARGET_PERCENT = 2;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

if (spawnSync('tmux', ['-V']).status !== 0) {
  console.log('tui: skipped (tmux is not installed; Debian: apt-get install tmux)');
  process.exit(0);
}

const socket = `sysray-tui-bench-${process.pid}`;
const tmux = (...args) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

/** Measures the TUI showing `tab` (the key that opens it) for `seconds`. */
async function measure(pid, tab, seconds) {
  tmux('send-keys', '-t', 'bench', tab);
  await sleep(WARMUP_S * 1000);
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  let rssMax = 0;
  while (performance.now() - t0 < seconds * 1000) {
    await sleep(1000);
    rssMax = Math.max(rssMax, rssBytes(pid));
  }
  const elapsed = (performance.now() - t0) / 1000;
  return { percent: ((cpuSeconds(pid) - cpu0) / elapsed) * 100, rssMax };
}

/** CPU milliseconds per sample spent collecting, in the model and drawing, measured in this process. */
async function breakdown(samples) {
  process.env.NODE_ENV = 'production';
  process.env.CI = '0';
  const dist = (file) => new URL(`../agent/dist/${file}`, import.meta.url).href;
  const { tuiCollection } = await import(dist('tui/run.js'));
  const { resolveHostRoots } = await import(dist('platform/host-roots.js'));
  const { DEFAULT_COLLECTORS_CONFIG } = await import(dist('collectors/config.js'));
  const { prepareSnapshot } = await import(dist('tui/sanitize.js'));
  const { createRedactor } = await import(dist('redact.js'));
  const { TuiModel } = await import(dist('tui/model.js'));
  const { App } = await import(dist('tui/components/App.js'));
  const { render } = await import('ink');
  const { createElement } = await import('react');
  class Screen extends EventEmitter {
    isTTY = true;
    columns = 120;
    rows = 40;
    write = () => true;
  }
  class Keys extends EventEmitter {
    isTTY = true;
    setEncoding() {}
    setRawMode() {}
    resume() {}
    pause() {}
    ref() {}
    unref() {}
    read() {
      return null;
    }
  }
  const collect = tuiCollection(resolveHostRoots({}, {}), DEFAULT_COLLECTORS_CONFIG);
  const model = new TuiModel();
  const redactor = createRedactor();
  const actions = { save: async () => '', toggleRecording: async () => ({ recording: false, message: '' }) };
  const ink = render(createElement(App, { model, mode: 'live', actions }), {
    stdout: new Screen(),
    stdin: new Keys(),
    stderr: new Screen(),
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const total = { collect: 0, model: 0, draw: 0 };
  for (let i = 0; i < samples + 3; i += 1) {
    if (i === 3) Object.assign(total, { collect: 0, model: 0, draw: 0 });
    let t = cpuMs();
    const snapshot = await collect();
    total.collect += cpuMs() - t;
    t = cpuMs();
    model.ingest(prepareSnapshot(snapshot, redactor));
    total.model += cpuMs() - t;
    t = cpuMs();
    await sleep(100); // ink draws the frame the sample caused
    total.draw += cpuMs() - t;
  }
  ink.unmount();
  return Object.fromEntries(Object.entries(total).map(([k, v]) => [k, v / samples]));
}

try {
  tmux(
    'new-session',
    '-d',
    '-s',
    'bench',
    '-x',
    '120',
    '-y',
    '40',
    `exec ${process.execPath} ${cli} --interval 1s`,
  );
  const pid = Number(tmux('display-message', '-p', '-t', 'bench', '#{pane_pid}').trim());
  const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  if (!comm.startsWith('node')) throw new Error(`pane process ${pid} is ${comm}, not node`);
  const overview = await measure(pid, '1', WINDOW_S);
  const processes = await measure(pid, '6', Math.max(5, Math.round(WINDOW_S / 2)));
  const screen = tmux('capture-pane', '-p', '-t', 'bench');
  if (!screen.includes('LIVE')) throw new Error(`the TUI did not draw:\n${screen}`);
  console.log(`tui: 1 s refresh, 120×40 tmux pane, live host`);
  console.log(
    `  Overview tab:  CPU ${overview.percent.toFixed(2)}% of one core over ${WINDOW_S} s (target ≤ ${TARGET_PERCENT}%) · RSS max ${mib(overview.rssMax)}`,
  );
  console.log(
    `  Processes tab: CPU ${processes.percent.toFixed(2)}% of one core · RSS max ${mib(processes.rssMax)}`,
  );
  tmux('send-keys', '-t', 'bench', 'q');
  await sleep(500);
} finally {
  spawnSync('tmux', ['-L', socket, 'kill-server']);
}
const split = await breakdown(20);
console.log(
  `  per sample (CPU ms): collection ${split.collect.toFixed(1)} · model ${split.model.toFixed(1)} · drawing ${split.draw.toFixed(1)}`,
);
