import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeTimestamps, encodeValues } from '../../src/store/codec.js';
import { StoreError } from '../../src/store/errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/schema.js';
import { blob, openDatabase } from '../../src/store/sqlite.js';
import { DATABASE_FILE, openSqliteStore } from '../../src/store/sqlite-store.js';
import { TestClock, tempDataDir } from './helpers.js';

const T0 = 1_763_784_000_000;
const HOUR = 3_600_000;

let data: { dir: string; cleanup: () => void };
beforeEach(() => {
  data = tempDataDir('sysray-migrate-');
});
afterEach(() => data.cleanup());

function file(): string {
  return join(data.dir, DATABASE_FILE);
}

/** A version-1 database as a gateway of that version left it: one host, one series, a chunk and a pending row. */
function writeVersion1(): void {
  const db = openDatabase(file(), 5000);
  db.exec(MIGRATIONS[0]!.sql);
  db.pragma('user_version = 1');
  db.prepare('INSERT INTO hosts VALUES (?, ?, ?, ?)').run(
    'old-host',
    '{"host.name":"web-01"}',
    T0,
    T0 + HOUR,
  );
  db.prepare('INSERT INTO series VALUES (1, ?, ?, ?, ?, ?, ?, ?)').run(
    'old-host',
    'system.memory.usage',
    '{"system.memory.state":"used"}',
    'By',
    'updowncounter',
    T0 + 20_000,
    3072,
  );
  const ts = [T0, T0 + 10_000, T0 + 20_000];
  db.prepare(
    'INSERT INTO timelines (id, window_start, hash, count, refs, data) VALUES (7, ?, 0, 3, 1, ?)',
  ).run(T0, blob(encodeTimestamps(ts)));
  db.prepare(
    `INSERT INTO chunks (series_id, window_start, count, first_ts, last_ts, last_value, timeline_id, data)
     VALUES (1, ?, 3, ?, ?, 3072, 7, ?)`,
  ).run(T0, T0, T0 + 20_000, blob(encodeValues([1024, 2048, 3072])));
  db.prepare('INSERT INTO pending (series_id, ts, value) VALUES (1, ?, 4096)').run(T0 + 30_000);
  db.close();
}

describe('schema migrations', () => {
  it('are numbered 1, 2, … in order, the last one being the version the code writes', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('bring a version-1 database to the current version, keeping and then rolling up its data', () => {
    writeVersion1();
    const clock = new TestClock(T0 + 3 * HOUR);
    const store = openSqliteStore({ dataDir: data.dir, clock });
    try {
      const db = openDatabase(file(), 5000);
      expect(Number(db.pragma('user_version', { simple: true }))).toBe(SCHEMA_VERSION);
      // The column version 2 added reads 0 for old chunks: they still need their rollup.
      expect(db.prepare('SELECT rolled FROM chunks').all()).toEqual([{ rolled: 0 }]);

      expect(store.hosts()).toEqual([
        { hostId: 'old-host', resource: { 'host.name': 'web-01' }, firstSeenMs: T0, lastSeenMs: T0 + HOUR },
      ]);
      const q = {
        hostId: 'old-host',
        metric: 'system.memory.usage',
        fromMs: T0,
        toMs: T0 + 2 * HOUR,
        agg: 'last',
      } as const;
      expect(store.query({ ...q, stepMs: 10_000 })[0]!.points).toEqual([
        [T0, 1024],
        [T0 + 10_000, 2048],
        [T0 + 20_000, 3072],
        [T0 + 30_000, 4096],
      ]);
      for (let i = 0; i < 10; i += 1) store.maintain(clock.now);
      expect(db.prepare('SELECT rolled FROM chunks').all()).toEqual([{ rolled: 1 }]);
      expect(Number((db.prepare('SELECT count(*) AS n FROM rollups').get() as { n: number }).n)).toBe(2);
      const [minute] = store.query({ ...q, stepMs: 60_000, agg: 'max' });
      expect(minute).toMatchObject({ tier: '1m', points: [[T0, 4096]] });
      db.close();
    } finally {
      store.close();
    }
  });

  it('refuse a database written by a newer gateway, and leave it as it is', () => {
    writeVersion1();
    const db = openDatabase(file(), 5000);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    let error: unknown;
    try {
      openSqliteStore({ dataDir: data.dir }).close();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('SYSRAY_ERR_STORE_SCHEMA');
    expect((error as StoreError).message).toContain(
      `has schema version ${SCHEMA_VERSION + 1}, newer than this gateway's ${SCHEMA_VERSION}`,
    );
    const after = openDatabase(file(), 5000);
    expect(Number(after.pragma('user_version', { simple: true }))).toBe(SCHEMA_VERSION + 1);
    after.close();
  });

  it('roll a failing migration back whole, leaving the previous version intact', () => {
    writeVersion1();
    const db = openDatabase(file(), 5000);
    // Something version 2 creates already exists: its migration fails half-way.
    db.exec('CREATE TABLE tier_state (x)');
    db.close();
    expect(() => openSqliteStore({ dataDir: data.dir })).toThrow(
      /migrating .*metrics\.db to schema version 2 \(rollup tiers.*\) failed: table tier_state already exists/,
    );
    const after = openDatabase(file(), 5000);
    expect(Number(after.pragma('user_version', { simple: true }))).toBe(1);
    const columns = (after.prepare('PRAGMA table_info(chunks)').all() as { name: string }[]).map(
      (c) => c.name,
    );
    expect(columns).not.toContain('rolled');
    expect(after.prepare("SELECT name FROM sqlite_schema WHERE name = 'rollups'").all()).toEqual([]);
    after.close();
  });
});
