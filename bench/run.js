// Runs every benchmark under bench/ in its own process, one after the other, and prints their figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeMachine } from './lib/machine.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

console.log(`machine: ${describeMachine()}`);
console.log(`date: ${new Date().toISOString()}\n`);
let failed = 0;
for (const file of benches) {
  const result = spawnSync(process.execPath, ['--expose-gc', `${dir}${file}`], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    console.log(`${file}: exited with ${result.status ?? result.signal}`);
  }
  console.log('');
}
process.exit(failed === 0 ? 0 : 1);
