import { createRequire } from 'node:module';

/**
 * The part of better-sqlite3 (v12) the store uses, typed here: the package ships no type declarations and
 * the workspace has no `@types/better-sqlite3`. Statements bind positional parameters; numbers come back
 * as JavaScript numbers (the store's integers stay below 2^53), blobs as Buffers.
 */
export type SqlValue = number | string | bigint | Buffer | null;

export interface RunResult {
  readonly changes: number;
  readonly lastInsertRowid: number | bigint;
}

export interface Statement<Row = unknown> {
  run(...params: SqlValue[]): RunResult;
  get(...params: SqlValue[]): Row | undefined;
  all(...params: SqlValue[]): Row[];
  iterate(...params: SqlValue[]): IterableIterator<Row>;
}

export interface Database {
  prepare<Row = unknown>(sql: string): Statement<Row>;
  exec(sql: string): Database;
  /** `simple: true` returns the first column of the first row. */
  pragma(source: string, options?: { readonly simple?: boolean }): unknown;
  /** Wraps `fn` in BEGIN/COMMIT (ROLLBACK when it throws); nested calls become savepoints. */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  close(): Database;
  readonly inTransaction: boolean;
  readonly open: boolean;
  readonly name: string;
}

interface DatabaseConstructor {
  new (filename: string, options?: { readonly timeout?: number; readonly fileMustExist?: boolean }): Database;
}

const loadCommonJs = createRequire(import.meta.url);

/** Opens (creating when absent) a database file. `timeoutMs` is the busy timeout for a locked database. */
export function openDatabase(file: string, timeoutMs: number): Database {
  const BetterSqlite3 = loadCommonJs('better-sqlite3') as DatabaseConstructor;
  return new BetterSqlite3(file, { timeout: timeoutMs });
}

/** A Uint8Array as the Buffer better-sqlite3 binds as a BLOB, without copying. */
export function blob(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
