import type { Section, SectionDataMap, SectionName } from '@sysray/proto';
import { sectionError, sectionOk, sectionUnsupported } from '@sysray/proto';
import type { Clock } from '../platform/clock.js';
import type { HostRoots } from '../platform/host-roots.js';
import type { Collector } from '../collectors/types.js';

export class CollectorTimeoutError extends Error {
  override readonly name = 'CollectorTimeoutError';
}

export interface RunCollectorOptions {
  readonly roots: HostRoots;
  readonly clock: Clock;
  /** Longest a collector may run, milliseconds; past it the section is an error and the cycle goes on. */
  readonly timeoutMs: number;
}

/**
 * Runs one collector in isolation: it can throw, hang or report "unsupported", and the result is always
 * a Section with its timing. A collector that times out is signalled to stop through its AbortSignal.
 */
export async function runCollector<K extends SectionName>(
  collector: Collector<K>,
  options: RunCollectorOptions,
): Promise<Section<SectionDataMap[K]>> {
  const controller = new AbortController();
  const started = options.clock.monotonicMs();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new CollectorTimeoutError(`collector ${collector.section} timed out after ${options.timeoutMs} ms`),
      );
    }, options.timeoutMs);
  });
  const timing = (): { collectedAt: number; durationMs: number } => ({
    collectedAt: options.clock.wallMs(),
    durationMs: Math.max(0, options.clock.monotonicMs() - started),
  });
  try {
    const outcome = await Promise.race([
      collector.collect({ roots: options.roots, clock: options.clock, signal: controller.signal }),
      timeout,
    ]);
    return outcome.kind === 'ok'
      ? sectionOk(outcome.data, timing())
      : sectionUnsupported(outcome.reason, timing());
  } catch (error) {
    return sectionError(describeError(error), timing());
  } finally {
    clearTimeout(timer);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== undefined && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
