import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { AlertChange, LabelMatcher, Silence } from '@sysray/proto';
import { openDatabase, type Database } from '../store/sqlite.js';

/**
 * Alert history and silences in their own SQLite file, `<dataDir>/alerts.db`, with its own
 * schema_version: the alert tables migrate apart from the metric store, and deleting the file resets
 * alerting without touching metrics.
 */

export const ALERTS_DB_FILE = 'alerts.db';
const SCHEMA_VERSION = 1;

export interface HistoryEntry {
  readonly id: number;
  readonly atMs: number;
  readonly fingerprint: string;
  readonly rule: string;
  readonly hostId: string;
  readonly severity: string;
  readonly previous: string;
  readonly current: string;
  readonly value: number | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** A notification was due (not muted, not flapping). */
  readonly notified: boolean;
}

export interface StoredSilence extends Silence {
  readonly createdAtMs: number;
  /** Set when expired early (DELETE); endsAtMs is then moved to that time. */
  readonly expiredAtMs: number | null;
}

interface HistoryRow {
  id: number;
  at_ms: number;
  fingerprint: string;
  rule: string;
  host_id: string;
  severity: string;
  previous: string;
  current: string;
  value: number | null;
  labels: string;
  annotations: string;
  notified: number;
}

interface SilenceRow {
  id: string;
  matchers: string;
  starts_at_ms: number;
  ends_at_ms: number;
  comment: string;
  created_by: string;
  created_at_ms: number;
  expired_at_ms: number | null;
}

export class AlertHistory {
  private readonly db: Database;

  constructor(
    dataDir: string,
    private readonly maxRows: number,
  ) {
    this.db = openDatabase(join(dataDir, ALERTS_DB_FILE), 5000);
    this.db.pragma('journal_mode = WAL');
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const version =
      this.db.prepare<{ version: number }>('SELECT version FROM schema_version').get()?.version ?? 0;
    if (version > SCHEMA_VERSION) {
      throw new Error(
        `${join(dataDir, ALERTS_DB_FILE)}: schema version ${version} is newer than this gateway (${SCHEMA_VERSION})`,
      );
    }
    if (version < 1) {
      this.db.transaction(() => {
        this.db.exec(`
          CREATE TABLE alert_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, fingerprint TEXT NOT NULL,
            rule TEXT NOT NULL, host_id TEXT NOT NULL, severity TEXT NOT NULL, previous TEXT NOT NULL,
            current TEXT NOT NULL, value REAL, labels TEXT NOT NULL, annotations TEXT NOT NULL,
            notified INTEGER NOT NULL);
          CREATE INDEX alert_history_at ON alert_history (at_ms);
          CREATE TABLE silences (
            id TEXT PRIMARY KEY, matchers TEXT NOT NULL, starts_at_ms INTEGER NOT NULL,
            ends_at_ms INTEGER NOT NULL, comment TEXT NOT NULL, created_by TEXT NOT NULL,
            created_at_ms INTEGER NOT NULL, expired_at_ms INTEGER);
          DELETE FROM schema_version;
          INSERT INTO schema_version (version) VALUES (1);
        `);
      })();
    }
  }

  record(changes: readonly AlertChange[]): void {
    if (changes.length === 0) return;
    const insert = this.db.prepare(
      'INSERT INTO alert_history (at_ms, fingerprint, rule, host_id, severity, previous, current, value, labels, annotations, notified) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
    );
    this.db.transaction(() => {
      for (const change of changes) {
        const { alert } = change;
        insert.run(
          change.atMs,
          alert.fingerprint,
          alert.rule,
          alert.hostId,
          alert.severity,
          change.previous,
          change.current,
          alert.value,
          JSON.stringify(alert.labels),
          JSON.stringify(alert.annotations),
          change.notify ? 1 : 0,
        );
      }
      this.db
        .prepare('DELETE FROM alert_history WHERE id <= (SELECT MAX(id) FROM alert_history) - ?')
        .run(this.maxRows);
    })();
  }

  history(filter: {
    readonly fromMs?: number;
    readonly toMs?: number;
    readonly hostId?: string;
    readonly rule?: string;
    readonly limit: number;
  }): HistoryEntry[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.fromMs !== undefined) {
      where.push('at_ms >= ?');
      params.push(filter.fromMs);
    }
    if (filter.toMs !== undefined) {
      where.push('at_ms < ?');
      params.push(filter.toMs);
    }
    if (filter.hostId !== undefined) {
      where.push('host_id = ?');
      params.push(filter.hostId);
    }
    if (filter.rule !== undefined) {
      where.push('rule = ?');
      params.push(filter.rule);
    }
    const sql = `SELECT * FROM alert_history ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return this.db
      .prepare<HistoryRow>(sql)
      .all(...params, filter.limit)
      .map((row) => ({
        id: row.id,
        atMs: row.at_ms,
        fingerprint: row.fingerprint,
        rule: row.rule,
        hostId: row.host_id,
        severity: row.severity,
        previous: row.previous,
        current: row.current,
        value: row.value,
        labels: JSON.parse(row.labels) as Record<string, string>,
        annotations: JSON.parse(row.annotations) as Record<string, string>,
        notified: row.notified === 1,
      }));
  }

  addSilence(input: Omit<Silence, 'id'>, nowMs: number): StoredSilence {
    const silence: StoredSilence = { ...input, id: randomUUID(), createdAtMs: nowMs, expiredAtMs: null };
    this.db
      .prepare(
        'INSERT INTO silences (id, matchers, starts_at_ms, ends_at_ms, comment, created_by, created_at_ms) VALUES (?,?,?,?,?,?,?)',
      )
      .run(
        silence.id,
        JSON.stringify(silence.matchers),
        silence.startsAtMs,
        silence.endsAtMs,
        silence.comment,
        silence.createdBy,
        nowMs,
      );
    return silence;
  }

  /** Ends a silence now; false when there is none with that id. */
  expireSilence(id: string, nowMs: number): boolean {
    return (
      this.db
        .prepare('UPDATE silences SET expired_at_ms = ?, ends_at_ms = MIN(ends_at_ms, ?) WHERE id = ?')
        .run(nowMs, nowMs, id).changes > 0
    );
  }

  silences(): StoredSilence[] {
    return this.db
      .prepare<SilenceRow>('SELECT * FROM silences ORDER BY created_at_ms DESC')
      .all()
      .map((row) => ({
        id: row.id,
        matchers: JSON.parse(row.matchers) as LabelMatcher[],
        startsAtMs: row.starts_at_ms,
        endsAtMs: row.ends_at_ms,
        comment: row.comment,
        createdBy: row.created_by,
        createdAtMs: row.created_at_ms,
        expiredAtMs: row.expired_at_ms,
      }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
