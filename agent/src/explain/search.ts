import { EXPLAIN_ENTRIES, entryById, type ExplainEntry } from './catalog.js';
import type {
  Audience,
  EntryText,
  ExplainOptions,
  Explanation,
  ExplanationMatch,
  Lang,
  Leveled,
} from './types.js';

/**
 * Finding entries. An exact name (metric, Prometheus name, field path, alias, id) wins outright;
 * otherwise words are scored against names, titles, keywords and text with a small scorer: exact word,
 * prefix, or an edit distance of one (two for long words), so `memroy`, `throtle` and `mémoire` (accents
 * are ignored) still find their entries. Words of the other language count too, at a lower weight.
 */

/** Lower case, accents removed, punctuation and separators (`.`, `_`, `-`, `[]`) as spaces. */
export function canonical(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9%]+/g, ' ')
    .trim();
}

const STOP_WORDS = new Set(
  (
    'a an and are as at be by for from how i in is it my of on or the this to what when where which why with ' +
    'au aux avec ce ces comment d de des du en est et il la le les mon ou par pour quand que quel quelle qui sur un une'
  ).split(' '),
);

/** Words of a text, canonical, without stop words; a plural `s`/`x` is dropped from longer words. */
export function words(text: string): string[] {
  return canonical(text)
    .split(' ')
    .filter((word) => word !== '' && !STOP_WORDS.has(word))
    .map((word) => (word.length > 4 && /[sx]$/.test(word) ? word.slice(0, -1) : word));
}

/** Damerau–Levenshtein distance (optimal string alignment), stopping early past `limit`. */
export function editDistance(a: string, b: string, limit = 2): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i += 1) {
    rows.push([i]);
  }
  for (let j = 1; j <= b.length; j += 1) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    let best = Number.POSITIVE_INFINITY;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      }
      rows[i]![j] = value;
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
  }
  return rows[a.length]![b.length]!;
}

/** How well one query word matches one indexed word: 1 exact, 0.8 prefix, 0.6 / 0.5 close spelling. */
function wordMatch(query: string, candidate: string): number {
  if (query === candidate) return 1;
  if (query.length >= 3 && candidate.startsWith(query)) return 0.8;
  if (query.length >= 4) {
    const limit = query.length >= 8 ? 2 : 1;
    const distance = editDistance(query, candidate, limit);
    if (distance <= limit) return distance === 1 ? 0.6 : 0.5;
  }
  return 0;
}

interface Field {
  readonly words: readonly string[];
  readonly weight: number;
}

interface IndexedEntry {
  readonly entry: ExplainEntry;
  /** The title in the index's language, canonical. */
  readonly title: string;
  /** Canonical forms of every name it answers to exactly. */
  readonly names: ReadonlySet<string>;
  readonly fields: readonly Field[];
}

function leveledText(value: Leveled): string {
  return typeof value === 'string' ? value : `${value.beginner} ${value.expert}`;
}

function textFields(text: EntryText, weight: number): Field[] {
  return [
    { words: words(text.title), weight: 4 * weight },
    { words: words((text.keywords ?? []).join(' ')), weight: 4 * weight },
    { words: words(leveledText(text.what)), weight: 1.5 * weight },
    { words: words(`${leveledText(text.healthy)} ${leveledText(text.action)}`), weight: 0.5 * weight },
  ];
}

const indexes = new Map<Lang, readonly IndexedEntry[]>();

function indexFor(lang: Lang): readonly IndexedEntry[] {
  let index = indexes.get(lang);
  if (!index) {
    const other: Lang = lang === 'en' ? 'fr' : 'en';
    index = EXPLAIN_ENTRIES.map((entry) => {
      const names = [entry.id, ...entry.aliases];
      // Field paths (`processes.counts.zombie`) name many things in passing: their words weigh less
      // than the entry's own name and chosen aliases.
      const paths = entry.aliases.filter((alias) => /[._]/.test(alias));
      const own = [entry.id, ...entry.aliases.filter((alias) => !/[._]/.test(alias))];
      return {
        entry,
        title: canonical(entry.text[lang].title),
        names: new Set(names.map(canonical)),
        fields: [
          { words: words(own.join(' ')), weight: 5 },
          { words: words(paths.join(' ')), weight: 2 },
          ...textFields(entry.text[lang], 1),
          // A French word in an English search (or the reverse) still finds the entry, ranked lower.
          {
            words: words(`${entry.text[other].title} ${(entry.text[other].keywords ?? []).join(' ')}`),
            weight: 2,
          },
        ],
      };
    });
    indexes.set(lang, index);
  }
  return index;
}

function scoreEntry(indexed: IndexedEntry, query: string, queryWords: readonly string[]): number {
  const whole = canonical(query);
  if (whole !== '' && indexed.names.has(whole)) return 100 + whole.length;
  let total = 0;
  let matched = 0;
  for (const word of queryWords) {
    let best = 0;
    for (const field of indexed.fields) {
      for (const candidate of field.words) {
        const score = wordMatch(word, candidate) * field.weight;
        if (score > best) best = score;
      }
    }
    if (best > 0) matched += 1;
    total += best;
  }
  if (matched === 0) return 0;
  // The query is the entry's title word for word: the entry people mean.
  if (whole === indexed.title) total += 10;
  // Entries that match every word of the query rank above those that match some.
  return matched === queryWords.length ? total * 1.5 : total * (matched / queryWords.length);
}

function resolve(value: Leveled, audience: Audience): string {
  return typeof value === 'string' ? value : value[audience];
}

/** Renders an entry for a language and an audience. */
export function explain(entry: ExplainEntry, options: ExplainOptions = {}): Explanation {
  const lang = options.lang ?? 'en';
  const audience = options.audience ?? 'beginner';
  const text = entry.text[lang];
  return {
    id: entry.id,
    kind: entry.kind,
    lang,
    audience,
    title: text.title,
    what: resolve(text.what, audience),
    healthy: resolve(text.healthy, audience),
    action: resolve(text.action, audience),
    source: entry.source,
    metric: entry.metric
      ? {
          unit: entry.metric.unit,
          instrument: entry.metric.instrument,
          prometheus: entry.metric.prometheus.name,
          attributes: entry.metric.attributes,
          note: entry.metric.note ?? null,
        }
      : null,
    related: entry.related.flatMap((id) => {
      const other = entryById(id);
      return other ? [{ id, title: other.text[lang].title }] : [];
    }),
  };
}

/**
 * The entry for an exact name: a metric (`system.cpu.time`), its Prometheus name
 * (`system_cpu_time_seconds_total`), a Snapshot field path (`memory.availableBytes`), an id
 * (`concept:psi`) or an alias (`psi`, `rss`, `await`). Case, separators and accents do not matter.
 */
export function explanationFor(name: string, options: ExplainOptions = {}): Explanation | undefined {
  const wanted = canonical(name);
  if (wanted === '') return undefined;
  const found = indexFor(options.lang ?? 'en').filter((indexed) => indexed.names.has(wanted));
  // Several metrics can read one field (memory.availableBytes feeds three): the id itself wins, then the
  // entry built on the fewest fields, the one that is most about it.
  const specificity = (indexed: IndexedEntry): number =>
    canonical(indexed.entry.id) === wanted ? -1 : (indexed.entry.source?.fields.length ?? 0);
  const best = found.reduce<IndexedEntry | undefined>(
    (chosen, candidate) =>
      chosen === undefined || specificity(candidate) < specificity(chosen) ? candidate : chosen,
    undefined,
  );
  return best ? explain(best.entry, options) : undefined;
}

export interface SearchOptions extends ExplainOptions {
  /** Most results returned; default 10. */
  readonly limit?: number;
}

/** Entries matching a query, best first (exact names first, then by word score, then by id). */
export function searchExplanations(query: string, options: SearchOptions = {}): ExplanationMatch[] {
  const queryWords = words(query);
  if (queryWords.length === 0 && canonical(query) === '') return [];
  const scored = indexFor(options.lang ?? 'en')
    .map((indexed) => ({ indexed, score: scoreEntry(indexed, query, queryWords) }))
    .filter((candidate) => candidate.score > 0)
    .sort((a, b) => b.score - a.score || a.indexed.entry.id.localeCompare(b.indexed.entry.id));
  return scored.slice(0, options.limit ?? 10).map(({ indexed, score }) => ({
    explanation: explain(indexed.entry, options),
    score: Math.round(score * 100) / 100,
  }));
}

/** Every entry rendered, in catalog order (metrics, then concepts and fields). */
export function allExplanations(options: ExplainOptions = {}): Explanation[] {
  return EXPLAIN_ENTRIES.map((entry) => explain(entry, options));
}
