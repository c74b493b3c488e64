import { StoreError } from './errors.js';
import type { Database } from './sqlite.js';

/**
 * The on-disk schema, versioned by `PRAGMA user_version` (0 = an empty file). Migrations run in order at
 * open, each in its own IMMEDIATE transaction together with the version bump, so a crash leaves the file
 * at one version or the next, never in between. Never edit a released migration: append a new one.
 */
export interface Migration {
  /** The user_version after this migration. */
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'hosts, series catalog, pending samples, batch ids, timelines and compressed raw chunks',
    sql: `
      -- One row per sending host; resource attributes as canonical JSON (sorted keys). Times: epoch ms.
      CREATE TABLE hosts (
        host_id TEXT PRIMARY KEY,
        resource TEXT NOT NULL,
        first_seen_ms INTEGER NOT NULL,
        last_seen_ms INTEGER NOT NULL
      ) WITHOUT ROWID;

      -- The series catalog: identity is (host, metric, attributes as canonical JSON). last_ts/last_value
      -- are the newest packed (or first appended) sample; pending may hold newer ones.
      CREATE TABLE series (
        id INTEGER PRIMARY KEY,
        host_id TEXT NOT NULL,
        metric TEXT NOT NULL,
        attributes TEXT NOT NULL,
        unit TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('counter', 'gauge', 'updowncounter')),
        last_ts INTEGER NOT NULL,
        last_value REAL NOT NULL
      );
      CREATE UNIQUE INDEX series_identity ON series (host_id, metric, attributes);
      CREATE INDEX series_metric ON series (metric);

      -- Samples committed by append and not yet packed: small rows in commit order (seq, increasing,
      -- assigned by the store), so a batch writes a few pages at the end of the table, not one page per
      -- series. No index: the store keeps the per-series view in memory (pending.ts) and replays this
      -- table into it at open.
      CREATE TABLE pending (
        seq INTEGER PRIMARY KEY,
        series_id INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        value REAL NOT NULL
      );

      -- Idempotency keys of committed batches, pruned by age.
      CREATE TABLE batches (
        batch_id TEXT PRIMARY KEY,
        committed_ms INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX batches_age ON batches (committed_ms);

      -- Encoded timestamp columns, shared by every chunk of a window with the same timestamps (all series
      -- of one host usually are: the agent stamps a whole collection with one time). refs counts chunks.
      -- AUTOINCREMENT: an id is never reused, so a decoded timeline can be cached by id.
      CREATE TABLE timelines (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        window_start INTEGER NOT NULL,
        hash INTEGER NOT NULL,
        count INTEGER NOT NULL,
        refs INTEGER NOT NULL,
        data BLOB NOT NULL
      );
      CREATE INDEX timelines_lookup ON timelines (window_start, hash);

      -- Packed raw samples: one chunk per series and window (window_start aligned to the window length),
      -- values encoded by codec.ts, timestamps in the referenced timeline.
      CREATE TABLE chunks (
        id INTEGER PRIMARY KEY,
        series_id INTEGER NOT NULL,
        window_start INTEGER NOT NULL,
        count INTEGER NOT NULL,
        first_ts INTEGER NOT NULL,
        last_ts INTEGER NOT NULL,
        last_value REAL NOT NULL,
        timeline_id INTEGER NOT NULL,
        data BLOB NOT NULL
      );
      CREATE UNIQUE INDEX chunks_series ON chunks (series_id, window_start);
      -- Covers retention by age and the raw sample count of stats() without reading chunk pages.
      CREATE INDEX chunks_age ON chunks (window_start, count);
    `,
  },
  {
    version: 2,
    description: 'rollup tiers (1m, 1h) as compressed blocks, and the tier horizons left by size retention',
    sql: `
      -- 0: the chunk's window has changed since it was rolled up (or never was).
      ALTER TABLE chunks ADD COLUMN rolled INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX chunks_unrolled ON chunks (window_start) WHERE rolled = 0;

      -- Rollup buckets of one series and block (tier 1 = 1m buckets in blocks of one chunk window, tier 2 =
      -- 1h buckets in blocks of one day), encoded by codec.ts: count, sum, min, max, last, increase,
      -- increase_ms per bucket.
      CREATE TABLE rollups (
        id INTEGER PRIMARY KEY,
        tier INTEGER NOT NULL,
        series_id INTEGER NOT NULL,
        block_start INTEGER NOT NULL,
        count INTEGER NOT NULL,
        data BLOB NOT NULL
      );
      CREATE UNIQUE INDEX rollups_series ON rollups (tier, series_id, block_start);
      CREATE INDEX rollups_age ON rollups (tier, block_start);

      -- Data before deleted_before_ms was removed from the tier to keep the database under maxBytes.
      CREATE TABLE tier_state (
        tier TEXT PRIMARY KEY,
        deleted_before_ms INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
}

function userVersion(db: Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/**
 * Page size of a new file, bytes. A chunk of a float series (720 XOR-coded doubles, about 5 KB) must fit in
 * one page: a row larger than a table page's local limit (page size - 35) spills into overflow pages,
 * mostly empty.
 */
export const PAGE_SIZE = 16384;

/**
 * Switches a new, empty file to incremental auto-vacuum, so maintain() can hand freed pages back to the
 * file system. Only possible before the first table exists, and before WAL mode writes the file's first
 * page (https://sqlite.org/pragma.html#pragma_auto_vacuum): call it first thing after opening.
 */
export function prepareNewFile(db: Database): void {
  const tables = db
    .prepare<{ n: number }>("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'")
    .get();
  if (Number(tables?.n) === 0 && userVersion(db) === 0) {
    // In this order: setting auto_vacuum first fixes the default page size.
    db.pragma(`page_size = ${PAGE_SIZE}`);
    db.pragma('auto_vacuum = INCREMENTAL');
  }
}

/**
 * Brings the database to SCHEMA_VERSION. A file written by a newer gateway is refused rather than guessed
 * at: its tables may mean something this code does not know.
 */
export function migrate(db: Database, file: string): MigrationResult {
  const from = userVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new StoreError(
      'SYSRAY_ERR_STORE_SCHEMA',
      `${file} has schema version ${from}, newer than this gateway's ${SCHEMA_VERSION}: ` +
        'run a gateway at least as new as the one that wrote it, or point it at another data directory',
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= from) continue;
    // IMMEDIATE takes the write lock first, so two processes opening one file do not both migrate it.
    db.exec('BEGIN IMMEDIATE');
    try {
      if (userVersion(db) < migration.version) {
        db.exec(migration.sql);
        db.pragma(`user_version = ${migration.version}`);
      }
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw new Error(
        `migrating ${file} to schema version ${migration.version} (${migration.description}) failed: ` +
          (error instanceof Error ? error.message : String(error)),
        { cause: error },
      );
    }
  }
  return { from, to: SCHEMA_VERSION };
}
