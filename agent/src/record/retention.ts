import { compareSegments, type SegmentName } from './segments.js';

export interface RetentionPolicy {
  /** Keep at most this many segment files, the active one included; null: no limit. */
  readonly keepFiles: number | null;
  /** Delete segments whose last snapshot is older than this, milliseconds; null: no limit. */
  readonly retainMs: number | null;
}

export interface RetentionCandidate extends SegmentName {
  /**
   * When the segment's data ends, Unix epoch milliseconds, where no later segment says so (the newest
   * one): its modification time. Every other segment ends where the next one starts.
   */
  readonly endMs?: number;
}

/**
 * Which segments to delete, oldest first. A segment holds snapshots from its start up to the next
 * segment's start, so it expires once that end is older than `nowMs - retainMs`; the newest segment
 * ends at `endMs`. Count retention keeps the newest `keepFiles`. The active segment (being written) is
 * never deleted, whatever the policy.
 */
export function planRetention<T extends RetentionCandidate>(
  segments: readonly T[],
  policy: RetentionPolicy,
  nowMs: number,
  activeName?: string,
): T[] {
  const ordered = [...segments].sort(compareSegments);
  const doomed = new Set<T>();
  if (policy.keepFiles !== null && ordered.length > policy.keepFiles) {
    for (const segment of ordered.slice(0, ordered.length - Math.max(1, policy.keepFiles)))
      doomed.add(segment);
  }
  if (policy.retainMs !== null) {
    const cutoff = nowMs - policy.retainMs;
    ordered.forEach((segment, index) => {
      const end = ordered[index + 1]?.startMs ?? segment.endMs;
      if (end !== undefined && end <= cutoff) doomed.add(segment);
    });
  }
  return ordered.filter((segment) => doomed.has(segment) && segment.name !== activeName);
}
