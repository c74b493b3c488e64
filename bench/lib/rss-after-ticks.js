// Runs N collection ticks in a fresh process and prints its resident set size in bytes.
import { HostSession, resolveHostRoots } from '@sysray/agent';

const ticks = Number(process.argv[2] ?? 100);
const session = new HostSession({ roots: resolveHostRoots({}, {}) });
for (let i = 0; i < ticks; i += 1) await session.scheduler.collectAll();
globalThis.gc?.();
console.log(process.memoryUsage().rss);
