import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/sqlite.js';
import { DATABASE_FILE, openSqliteStore } from '../../src/store/sqlite-store.js';
import { tempDataDir } from './helpers.js';

const STORE_SRC = fileURLToPath(new URL('../../src/store/', import.meta.url));
const REPO_NODE_MODULES = fileURLToPath(new URL('../../../node_modules', import.meta.url));
const SERIES = 20;
const SPACING_MS = 100;

/**
 * The store's sources as plain JavaScript for a child `node` process (Node 20 runs no TypeScript), with
 * the workspace's node_modules linked beside them so better-sqlite3 resolves.
 */
function buildChildStore(dir: string): void {
  mkdirSync(join(dir, 'store'));
  for (const name of readdirSync(STORE_SRC).filter((f) => f.endsWith('.ts'))) {
    const out = ts.transpileModule(readFileSync(join(STORE_SRC, name), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(join(dir, 'store', name.replace(/\.ts$/, '.js')), out.outputText);
  }
  symlinkSync(REPO_NODE_MODULES, join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
}

/**
 * Appends batches of SERIES points forever, printing each batchId once append has returned (committed);
 * every 25 batches it packs and rolls up (packAfterMs 0, a clock hours ahead), so a kill can land in the
 * middle of maintenance too.
 */
const CHILD = `
import { openSqliteStore } from './store/sqlite-store.js';
const [dataDir, baseArg] = process.argv.slice(2);
const base = Number(baseArg);
const store = openSqliteStore({ dataDir, packAfterMs: 0, rollupGraceMs: 0 });
for (let i = 0; ; i += 1) {
  const points = [];
  for (let s = 0; s < ${SERIES}; s += 1) {
    points.push({
      metric: 'crash.test',
      unit: '1',
      kind: s % 2 === 0 ? 'gauge' : 'counter',
      attributes: { s: String(s) },
      timestampMs: base + i * ${SPACING_MS},
      value: i * ${SERIES} + s,
    });
  }
  const result = store.append({ hostId: 'crash-host', resource: {}, points, batchId: 'batch-' + i, receivedAtMs: Date.now() });
  if (result.accepted !== ${SERIES}) throw new Error('batch ' + i + ' not accepted: ' + JSON.stringify(result));
  process.stdout.write('batch-' + i + '\\n');
  if (i % 25 === 24) store.maintain(Date.now() + 5 * 3600 * 1000);
}
`;

let data: { dir: string; cleanup: () => void };
let work: { dir: string; cleanup: () => void };
beforeEach(() => {
  data = tempDataDir('sysray-crash-data-');
  work = tempDataDir('sysray-crash-child-');
});
afterEach(() => {
  data.cleanup();
  work.cleanup();
});

/** Runs the child until it has reported `atLeast` committed batches, then SIGKILLs it; returns the reported ids. */
function runAndKill(base: number, atLeast: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(work.dir, 'child.js'), data.dir, String(base)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (!killed && out.split('\n').length > atLeast) {
        killed = true;
        // A few more ms of appending, so the kill lands at an arbitrary point of a transaction.
        setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 20));
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') {
        reject(new Error(`child exited with ${code ?? signal} before the kill: ${err}`));
        return;
      }
      // Only complete lines: a batchId cut in the middle of its write was not reported.
      const lines = out.split('\n').slice(0, -1);
      resolve(lines.map((line) => Number(/^batch-(\d+)$/.exec(line)?.[1] ?? NaN)));
    });
  });
}

describe('crash safety', () => {
  it('keeps every batch reported committed when the appending process is killed with SIGKILL', async () => {
    buildChildStore(work.dir);
    writeFileSync(join(work.dir, 'child.js'), CHILD);
    const base = Date.now() - 3_600_000;
    const reported = await runAndKill(base, 1500);
    expect(reported.length).toBeGreaterThanOrEqual(1500);
    expect(reported.every((i, n) => i === n)).toBe(true);

    const db = openDatabase(join(data.dir, DATABASE_FILE), 5000);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      // The child packed chunks between appends before it died: the kill hit a store mid-stream.
      expect(
        Number((db.prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n),
      ).toBeGreaterThan(0);
    } finally {
      db.close();
    }

    const store = openSqliteStore({ dataDir: data.dir });
    try {
      const last = reported[reported.length - 1]!;
      // The child had packed and rolled up some windows before it died: check it really was mid-stream.
      expect(store.stats().rawSamples).toBeGreaterThanOrEqual(reported.length * SERIES);
      for (let s = 0; s < SERIES; s += 1) {
        const [series] = store.query({
          hostId: 'crash-host',
          metric: 'crash.test',
          match: { s: String(s) },
          fromMs: base,
          toMs: base + (last + 1) * SPACING_MS,
          stepMs: SPACING_MS,
          agg: 'last',
        });
        const values = new Map(series!.points.map(([t, v]) => [t, v]));
        for (const i of reported) {
          const value = values.get(base + i * SPACING_MS);
          if (value !== i * SERIES + s)
            throw new Error(`series ${s}, batch ${i}: expected ${i * SERIES + s}, found ${value}`);
        }
      }
      // The batch ids committed with the points: a redelivered batch is still recognised.
      const again = store.append({
        hostId: 'crash-host',
        resource: {},
        points: [],
        batchId: `batch-${last}`,
        receivedAtMs: Date.now(),
      });
      expect(again.duplicate).toBe(true);
    } finally {
      store.close();
    }
  });
});
