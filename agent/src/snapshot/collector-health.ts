import type { Section, SectionName } from '@sysray/proto';

/** What `/healthz` reports per collector. Times are Unix epoch milliseconds. */
export interface CollectorHealth {
  readonly section: SectionName;
  readonly lastStatus: Section<unknown>['status'] | 'never';
  readonly lastRunAt: number | null;
  readonly lastSuccessAt: number | null;
  readonly lastDurationMs: number | null;
  readonly runs: number;
  readonly errors: number;
  readonly lastError: string | null;
}

/** Folds each section result into running health figures. */
export class CollectorHealthBook {
  private readonly entries = new Map<SectionName, CollectorHealth>();

  record(section: SectionName, result: Section<unknown>): void {
    const previous = this.get(section);
    this.entries.set(section, {
      section,
      lastStatus: result.status,
      lastRunAt: result.collectedAt,
      // Unsupported is a successful answer: the collector ran and the host lacks the feature.
      lastSuccessAt: result.status === 'error' ? previous.lastSuccessAt : result.collectedAt,
      lastDurationMs: result.durationMs,
      runs: previous.runs + 1,
      errors: previous.errors + (result.status === 'error' ? 1 : 0),
      lastError: result.status === 'error' ? result.message : previous.lastError,
    });
  }

  get(section: SectionName): CollectorHealth {
    return (
      this.entries.get(section) ?? {
        section,
        lastStatus: 'never',
        lastRunAt: null,
        lastSuccessAt: null,
        lastDurationMs: null,
        runs: 0,
        errors: 0,
        lastError: null,
      }
    );
  }

  all(): CollectorHealth[] {
    return [...this.entries.values()];
  }
}
