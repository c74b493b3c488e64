import { spawn } from 'node:child_process';

/**
 * Spawns `count` idle processes (`sleep`) so the process table looks like a busy host, and returns a
 * function that kills them. Spawning is paced in batches so the fork storm itself does not skew figures.
 */
export async function spawnIdleProcesses(count) {
  const children = [];
  for (let i = 0; i < count; i += 1) {
    const child = spawn('sleep', ['3600'], { stdio: 'ignore' });
    child.on('error', () => {});
    children.push(child);
    if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  return () => {
    for (const child of children) child.kill('SIGKILL');
  };
}
