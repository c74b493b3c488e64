import type { PressureData, PressureResource, ProcessInfo, SectionName, Snapshot } from '@sysray/proto';
import { SECTION_NAMES } from '@sysray/proto';

export type TimelineEventKind =
  | 'process-started'
  | 'process-exited'
  | 'pressure-spike'
  | 'pressure-eased'
  | 'collector-error'
  | 'collector-recovered';

export type Severity = 'info' | 'warning' | 'critical';

/** Something that happened between two samples of the session. */
export interface TimelineEvent {
  /** When it was seen: the timestamp of the Snapshot that showed it, Unix epoch milliseconds. */
  readonly at: number;
  readonly kind: TimelineEventKind;
  readonly severity: Severity;
  /** One line for the Timeline tab (built from scrubbed Snapshot strings). */
  readonly text: string;
  readonly pid?: number;
}

export interface TimelineOptions {
  /** PSI `some` avg10 at or above this is a spike, percent 0..100 (`full` for irq, which has no `some`). */
  readonly pressureSpikePercent?: number;
  /**
   * Whether a pid still exists. A process that left the collector's top list may have exited or only
   * dropped in rank; the live session can look (`/proc/<pid>`), a replay cannot and passes nothing, so
   * departures are then not reported as exits.
   */
  readonly isAlive?: (pid: number) => boolean;
}

export const DEFAULT_PRESSURE_SPIKE_PERCENT = 10;

const PRESSURE_RESOURCES = ['cpu', 'memory', 'io', 'irq'] as const;

/** A process is the same one only with the same pid and start time (pids are reused). */
export function processKey(p: Pick<ProcessInfo, 'pid' | 'startTime'>): string {
  return `${p.pid}:${p.startTime}`;
}

function topOf(snapshot: Snapshot | null): readonly ProcessInfo[] {
  const section = snapshot?.sections.processes;
  return section?.status === 'ok' ? section.data.top : [];
}

function stallPercent(resource: PressureResource | null | undefined): number | null {
  if (!resource) return null;
  return (resource.some ?? resource.full)?.avg10 ?? null;
}

function pressureOf(snapshot: Snapshot | null): PressureData | null {
  const section = snapshot?.sections.pressure;
  return section?.status === 'ok' ? section.data : null;
}

function label(p: ProcessInfo): string {
  return `${p.name} (pid ${p.pid}${p.user ? `, ${p.user}` : ''})`;
}

/**
 * The events between `previous` and `next` (null on the session's first sample): processes started and
 * exited among those the collector keeps in detail, PSI avg10 crossing the spike threshold either way,
 * and collectors failing or recovering. Pure: the caller keeps the Snapshots.
 */
export function deriveEvents(
  previous: Snapshot | null,
  next: Snapshot,
  options: TimelineOptions = {},
): TimelineEvent[] {
  const at = next.timestamp;
  const events: TimelineEvent[] = [];
  const threshold = options.pressureSpikePercent ?? DEFAULT_PRESSURE_SPIKE_PERCENT;

  for (const name of SECTION_NAMES) {
    const before = previous?.sections[name as SectionName];
    const after = next.sections[name as SectionName];
    if (after.status === 'error') {
      if (before?.status !== 'error' || before.message !== after.message) {
        events.push({
          at,
          kind: 'collector-error',
          severity: 'critical',
          text: `${name} collector failed: ${after.message}`,
        });
      }
    } else if (before?.status === 'error') {
      events.push({
        at,
        kind: 'collector-recovered',
        severity: 'info',
        text: `${name} collector recovered (${after.status})`,
      });
    }
  }

  if (previous) {
    const beforeTop = topOf(previous);
    const afterTop = topOf(next);
    const beforeKeys = new Set(beforeTop.map(processKey));
    const afterKeys = new Set(afterTop.map(processKey));
    // startTime has clock-tick resolution; allow one second of slack against the previous sample.
    const since = previous.timestamp / 1000 - 1;
    for (const p of afterTop) {
      if (!beforeKeys.has(processKey(p)) && p.startTime >= since) {
        events.push({
          at,
          kind: 'process-started',
          severity: 'info',
          text: `started ${label(p)}: ${p.command === '' ? `[${p.name}]` : p.command}`,
          pid: p.pid,
        });
      }
    }
    if (options.isAlive) {
      for (const p of beforeTop) {
        if (!afterKeys.has(processKey(p)) && !options.isAlive(p.pid)) {
          events.push({
            at,
            kind: 'process-exited',
            severity: 'info',
            text: `exited ${label(p)}`,
            pid: p.pid,
          });
        }
      }
    }

    const pBefore = pressureOf(previous);
    const pAfter = pressureOf(next);
    if (pBefore && pAfter) {
      for (const resource of PRESSURE_RESOURCES) {
        const was = stallPercent(pBefore[resource]);
        const now = stallPercent(pAfter[resource]);
        if (was === null || now === null) continue;
        const line = pAfter[resource]?.some ? 'some' : 'full';
        if (was < threshold && now >= threshold) {
          events.push({
            at,
            kind: 'pressure-spike',
            severity: now >= threshold * 4 ? 'critical' : 'warning',
            text: `${resource} pressure ${line} avg10 ${now.toFixed(2)}% (≥ ${threshold}%)`,
          });
        } else if (was >= threshold && now < threshold) {
          events.push({
            at,
            kind: 'pressure-eased',
            severity: 'info',
            text: `${resource} pressure ${line} avg10 back to ${now.toFixed(2)}%`,
          });
        }
      }
    }
  }
  return events;
}
