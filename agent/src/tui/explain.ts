import type { ExplainOptions, Explanation } from '../explain/types.js';
import { isMissingModule } from './optional-module.js';

/** The help pane's explain search: what a metric or Snapshot field means, from `agent/src/explain`. */
export interface ExplainResult {
  readonly id: string;
  readonly title: string;
  /** One line. */
  readonly summary: string;
}

export interface ExplainSource {
  search(query: string, limit: number): readonly ExplainResult[];
  /** The full explanation of one result, as paragraphs. */
  detail(id: string): readonly string[];
}

/** Path of the explain module relative to this file, from the sources (tests) and from dist/ alike. */
const EXPLAIN_MODULE = '../explain/index.js';

/**
 * The explain search when this build has it, else null (the help pane says so). Loaded lazily: the
 * TUI must start without it, and its texts are only needed once `?` is pressed.
 */
export async function loadExplain(
  importer: (specifier: string) => Promise<unknown> = (specifier) => import(specifier),
): Promise<ExplainSource | null> {
  let module: unknown;
  try {
    module = await importer(EXPLAIN_MODULE);
  } catch (error) {
    if (isMissingModule(error, 'explain')) return null;
    throw error;
  }
  return explainSourceFrom(module);
}

type SearchFunction = (query: string, options?: ExplainOptions & { readonly limit?: number }) => unknown;
type LookupFunction = (id: string, options?: ExplainOptions) => unknown;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An {@link Explanation} from a search result: an `ExplanationMatch` or the explanation itself. */
function explanationOf(value: unknown): Explanation | null {
  const candidate = isRecord(value) && isRecord(value.explanation) ? value.explanation : value;
  return isRecord(candidate) && typeof candidate.id === 'string' && typeof candidate.title === 'string'
    ? (candidate as unknown as Explanation)
    : null;
}

/** The first sentence of a text, for a one-line summary. */
function firstSentence(text: string): string {
  const match = /^(.+?[.!?])(?:\s|$)/.exec(text.trim());
  return match?.[1] ?? text.trim();
}

/** An explanation as the help pane's paragraphs. */
export function explanationParagraphs(e: Explanation): string[] {
  const out = [`${e.title} (${e.id})`, `What: ${e.what}`, `Healthy: ${e.healthy}`, `Action: ${e.action}`];
  if (e.source) {
    out.push(
      `Source: ${[e.source.section, ...e.source.fields].join(', ')}; kernel: ${e.source.kernel.join(', ') || '-'}`,
    );
  }
  if (e.metric)
    out.push(`Metric: ${e.metric.unit}, ${e.metric.instrument}, Prometheus ${e.metric.prometheus}`);
  if (e.related.length > 0) out.push(`Related: ${e.related.map((r) => r.title).join(', ')}`);
  return out;
}

/**
 * Adapts the explain module's `searchExplanations(query, options)` and `explanationFor(id, options)`
 * (English, the beginner's level of detail); null when it lacks them.
 */
export function explainSourceFrom(
  module: unknown,
  options: ExplainOptions = { lang: 'en', audience: 'beginner' },
): ExplainSource | null {
  const search = (module as { searchExplanations?: unknown } | null)?.searchExplanations;
  const lookup = (module as { explanationFor?: unknown } | null)?.explanationFor;
  if (typeof search !== 'function' || typeof lookup !== 'function') return null;
  return {
    search: (query, limit) => {
      const found = (search as SearchFunction)(query, { ...options, limit });
      if (!Array.isArray(found)) return [];
      return found
        .map(explanationOf)
        .filter((e): e is Explanation => e !== null)
        .slice(0, limit)
        .map((e) => ({ id: e.id, title: e.title, summary: firstSentence(e.what) }));
    },
    detail: (id) => {
      const e = explanationOf((lookup as LookupFunction)(id, options));
      return e ? explanationParagraphs(e) : [];
    },
  };
}
