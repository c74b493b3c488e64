import type { SectionDataMap, SectionName } from '@sysray/proto';
import type { Clock } from '../platform/clock.js';
import type { HostRoots } from '../platform/host-roots.js';

/** What every collection gets: where the host is, what time it is, and when to give up. */
export interface CollectContext {
  readonly roots: HostRoots;
  readonly clock: Clock;
  /** Aborted when the collector's timeout passes; long loops check it between items. */
  readonly signal: AbortSignal;
}

/**
 * A collector's result. `unsupported` is the typed "no data" for a feature the host lacks (no PSI, a
 * cgroup v1-only host); anything else that goes wrong is thrown and becomes a section `error` with its cause.
 */
export type CollectOutcome<T> =
  { readonly kind: 'ok'; readonly data: T } | { readonly kind: 'unsupported'; readonly reason: string };

export function ok<T>(data: T): CollectOutcome<T> {
  return { kind: 'ok', data };
}

export function unsupported<T = never>(reason: string): CollectOutcome<T> {
  return { kind: 'unsupported', reason };
}

/**
 * One source of host data. Delta state (previous counters for rates) lives on the instance, so two
 * collectors never share it and a test can make a fresh one.
 */
export interface Collector<K extends SectionName = SectionName> {
  readonly section: K;
  collect(context: CollectContext): Promise<CollectOutcome<SectionDataMap[K]>>;
}

export type AnyCollector = { [K in SectionName]: Collector<K> }[SectionName];
