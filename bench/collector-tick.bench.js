// The full collection tick against the plainest possible loop over /proc, on the live host with 1,000
// extra idle processes. Target: tick p50 ≤ 10 ms and at most 1.0× the plain loop.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HostSession, resolveHostRoots } from '@sysray/agent';
import { spawnIdleProcesses } from './lib/idle-processes.js';
import { mib, ms, summarize } from './lib/stats.js';

const ROUNDS = 60;
const WARMUP = 5;

/** Reads stat, statm and io of every process: what a naive collector does each tick. */
function plainLoop() {
  for (const entry of readdirSync('/proc')) {
    const c = entry.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    for (const file of ['stat', 'statm', 'io']) {
      try {
        readFileSync(`/proc/${entry}/${file}`, 'latin1');
      } catch {
        // exited or not permitted: the naive loop ignores it too
      }
    }
  }
}

async function timeRounds(fn) {
  const times = [];
  for (let i = 0; i < WARMUP + ROUNDS; i += 1) {
    const start = performance.now();
    await fn();
    if (i >= WARMUP) times.push(performance.now() - start);
  }
  return summarize(times);
}

if (process.platform !== 'linux') {
  console.log('collector tick: skipped (the live-host benchmark needs Linux)');
  process.exit(0);
}

const stop = await spawnIdleProcesses(1000);
try {
  const processCount = readdirSync('/proc').filter((e) => /^\d+$/.test(e)).length;
  const session = new HostSession({ roots: resolveHostRoots({}, {}) });
  await session.scheduler.collectAll();
  const plain = await timeRounds(plainLoop);
  const tick = await timeRounds(() => session.scheduler.collectAll());
  const perSection = session.scheduler.health
    .all()
    .map((h) => `${h.section} ${h.lastDurationMs?.toFixed(2)}`)
    .join(', ');
  // RSS of an agent process after 100 ticks, measured in a fresh process so this harness does not count.
  const rssScript = fileURLToPath(new URL('./lib/rss-after-ticks.js', import.meta.url));
  const rss = Number(execFileSync(process.execPath, [rssScript, '100'], { encoding: 'utf8' }).trim());
  console.log(`collector tick (${processCount} processes on the host, ${ROUNDS} rounds)`);
  console.log(`  plain loop stat+statm+io: p50 ${ms(plain.p50)}  p95 ${ms(plain.p95)}`);
  console.log(`  full collection tick:     p50 ${ms(tick.p50)}  p95 ${ms(tick.p95)}`);
  console.log(
    `  ratio tick/plain (p50):   ${(tick.p50 / plain.p50).toFixed(2)}×  (target ≤ 1.0×, p50 ≤ 10 ms)`,
  );
  console.log(`  last tick per section, ms: ${perSection}`);
  console.log(`  agent RSS after 100 ticks: ${mib(rss)}`);
} finally {
  stop();
}
