export type {
  Audience,
  ConceptText,
  EntryKind,
  EntryText,
  ExplainOptions,
  Explanation,
  ExplanationMatch,
  Lang,
  Leveled,
  Localized,
  MetricText,
} from './types.js';
export { AUDIENCES, LANGS } from './types.js';
export type { ExplainEntry, ExplainSource } from './catalog.js';
export { EXPLAIN_ENTRIES, METRIC_TEXTS, entryById } from './catalog.js';
export type { SearchOptions } from './search.js';
export {
  allExplanations,
  canonical,
  editDistance,
  explain,
  explanationFor,
  searchExplanations,
  words,
} from './search.js';
export { renderExplanation, renderExplanationList } from './render.js';
