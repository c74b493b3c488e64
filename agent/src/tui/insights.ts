import type { Alert, Snapshot } from '@sysray/proto';
import { isMissingModule } from './optional-module.js';
import type { Severity } from './timeline.js';

/** One local finding for the Insights tab. */
export interface Finding {
  readonly severity: Severity;
  /** The rule that produced it. */
  readonly rule: string;
  readonly title: string;
  readonly detail?: string;
}

/** Evaluates local rules over the most recent Snapshots (oldest first), for the Insights tab. */
export interface InsightsProvider {
  /** Shown in the Insights tab's heading, e.g. `default alert pack`. */
  readonly description: string;
  /** Snapshots given to each evaluation: rules on rates need more than one. */
  readonly window: number;
  evaluate(snapshots: readonly Snapshot[]): readonly Finding[];
}

/** `evaluateLocalInsights` of agent/src/alerts/insights.ts: the default pack over a few snapshots. */
export type EvaluateLocalInsights = (snapshots: readonly Snapshot[], hostname?: string) => readonly Alert[];

/** Where the alerts engine lives, relative to this file (sources and dist/ alike); loaded only if present. */
const ALERTS_MODULE = '../alerts/insights.js';

/** An alert of the rule engine as a finding: its summary annotation is the title. */
export function findingOf(alert: Alert): Finding {
  const summary = alert.annotations.summary;
  const description = alert.annotations.description;
  const detail = description ?? (alert.value === null ? undefined : `value ${alert.value}`);
  return {
    severity: alert.severity,
    rule: alert.rule,
    title: summary ?? alert.rule,
    ...(detail === undefined ? {} : { detail }),
  };
}

/** The default alert pack of the alerts engine as the Insights tab's provider. */
export function localInsightsProvider(evaluate: EvaluateLocalInsights): InsightsProvider {
  return {
    description: 'default alert pack',
    window: 3,
    evaluate: (snapshots) => {
      const hostname = snapshots.at(-1)?.host.name ?? 'localhost';
      return evaluate(snapshots, hostname).map(findingOf);
    },
  };
}

/**
 * The local rules when this build has the alerts engine (`agent/src/alerts`), else null (the Insights tab
 * then says "no local rules loaded"). A failure inside an existing module is reported, not hidden.
 */
export async function loadInsights(
  importer: (specifier: string) => Promise<unknown> = (specifier) => import(specifier),
): Promise<InsightsProvider | null> {
  let module: unknown;
  try {
    module = await importer(ALERTS_MODULE);
  } catch (error) {
    if (isMissingModule(error, 'alerts')) return null;
    throw error;
  }
  const evaluate = (module as { evaluateLocalInsights?: unknown } | null)?.evaluateLocalInsights;
  return typeof evaluate === 'function' ? localInsightsProvider(evaluate as EvaluateLocalInsights) : null;
}
