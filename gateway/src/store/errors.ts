/**
 * Errors the store throws on purpose, with stable codes the API maps to responses (a limit or a bad query
 * is the caller's 400, a schema from the future stops the gateway at start). Anything else the store
 * throws is a fault: an I/O or SQLite error, named with its path.
 */
export type StoreErrorCode =
  /** The query is malformed: an empty range, a step that is not a positive integer, an unknown aggregation. */
  | 'SYSRAY_ERR_STORE_QUERY'
  /** The query would return more series or points than the limits allow; the message names the limit. */
  | 'SYSRAY_ERR_STORE_LIMIT'
  /** The database on disk has a schema version newer than this code knows. */
  | 'SYSRAY_ERR_STORE_SCHEMA'
  /** The options contradict each other (say, raw retention shorter than a chunk window). */
  | 'SYSRAY_ERR_STORE_CONFIG'
  /** The store was used after close(). */
  | 'SYSRAY_ERR_STORE_CLOSED';

export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}
