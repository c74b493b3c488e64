/** The explain catalog's data model: hand-written text in two languages and two levels of detail. */

export type Lang = 'en' | 'fr';
export type Audience = 'beginner' | 'expert';

export const LANGS: readonly Lang[] = ['en', 'fr'];
export const AUDIENCES: readonly Audience[] = ['beginner', 'expert'];

/** One text for everyone, or one per audience. */
export type Leveled = string | { readonly beginner: string; readonly expert: string };

/** An entry's text in one language. */
export interface EntryText {
  /** A short human name: "CPU time", « Temps CPU ». */
  readonly title: string;
  /** What it measures or what the concept is. */
  readonly what: Leveled;
  /** What healthy looks like. */
  readonly healthy: Leveled;
  /** What to do when it is not healthy. */
  readonly action: Leveled;
  /** Extra words people search with in this language (synonyms, tool names). */
  readonly keywords?: readonly string[];
}

export interface Localized<T> {
  readonly en: T;
  readonly fr: T;
}

/** The text of a metric entry; everything else (unit, source, names) comes from the metric catalog. */
export interface MetricText extends Localized<EntryText> {
  /** Other entries worth reading next (ids). */
  readonly related?: readonly string[];
}

/** A concept (PSI, steal, RSS) or a Snapshot field that no single metric explains. */
export interface ConceptText extends Localized<EntryText> {
  /** `concept:psi`, `field:disks.devices[].rates.readAwaitMs`. */
  readonly id: string;
  readonly kind: 'concept' | 'field';
  /** Names it is looked up by besides its id: field paths, abbreviations (`psi`, `rss`, `await`). */
  readonly aliases: readonly string[];
  /** Where the numbers come from, when it is a field. */
  readonly source?: {
    readonly section: string;
    readonly fields: readonly string[];
    readonly kernel: readonly string[];
  };
  readonly related?: readonly string[];
}

export type EntryKind = 'metric' | 'concept' | 'field';

/** An entry rendered for one language and audience: what the CLI prints and the TUI help pane shows. */
export interface Explanation {
  /** The metric name (`system.cpu.time`), or `concept:…` / `field:…`. */
  readonly id: string;
  readonly kind: EntryKind;
  readonly lang: Lang;
  readonly audience: Audience;
  readonly title: string;
  readonly what: string;
  readonly healthy: string;
  readonly action: string;
  /** Where the numbers come from: the Snapshot section and fields, and the kernel interfaces read. */
  readonly source: {
    readonly section: string;
    readonly fields: readonly string[];
    readonly kernel: readonly string[];
  } | null;
  /** For metrics: the OpenTelemetry unit and instrument, and the Prometheus family name. */
  readonly metric: {
    readonly unit: string;
    readonly instrument: string;
    readonly prometheus: string;
    readonly attributes: readonly string[];
    /** The catalog's note on a deviation from the conventions (English), when there is one. */
    readonly note: string | null;
  } | null;
  readonly related: readonly { readonly id: string; readonly title: string }[];
}

export interface ExplanationMatch {
  readonly explanation: Explanation;
  /** Higher is better; an exact name match scores 100 or more. */
  readonly score: number;
}

export interface ExplainOptions {
  readonly lang?: Lang;
  readonly audience?: Audience;
}
