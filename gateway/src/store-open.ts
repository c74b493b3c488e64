import type { GatewayConfig } from './config.js';
import { openSqliteStore } from './store/sqlite-store.js';
import type { MetricStore } from './store/types.js';

/**
 * The SQLite store in `config.dataDir`, with the gateway's limits: the same future bound as ingest, the
 * API's query bounds, and the wall clock the rest of the gateway uses (a manual one in tests).
 */
export function openGatewayStore(config: GatewayConfig, nowMs: () => number = Date.now): MetricStore {
  return openSqliteStore({
    dataDir: config.dataDir,
    retention: config.store.retention,
    clock: { wallMs: nowMs },
    maxFutureMs: config.limits.maxFutureMs,
    maxSeries: config.query.maxSeries,
    maxPointsPerSeries: config.query.maxPoints,
    synchronous: config.store.synchronous,
  });
}
