import { LIST_TABS, SORTS, TABS, sortKeyOf, tabIndex, type UiState } from './state.js';
import { THEMES } from './themes.js';

/** The keys the TUI reacts to (the fields of ink's `Key` this module reads). */
export interface KeyInfo {
  readonly upArrow?: boolean;
  readonly downArrow?: boolean;
  readonly leftArrow?: boolean;
  readonly rightArrow?: boolean;
  readonly pageUp?: boolean;
  readonly pageDown?: boolean;
  readonly home?: boolean;
  readonly end?: boolean;
  readonly return?: boolean;
  readonly escape?: boolean;
  readonly ctrl?: boolean;
  readonly shift?: boolean;
  readonly tab?: boolean;
  readonly backspace?: boolean;
  readonly delete?: boolean;
  readonly meta?: boolean;
}

/** Side effects a key asks of the running TUI (the reducer itself does no I/O). */
export type KeyEffect = 'quit' | 'save' | 'record';

export interface KeyContext {
  /** Sequence numbers of the newest and oldest samples still held (-1 when none yet). */
  readonly latestSeq: number;
  readonly oldestSeq: number;
  /** Rows in the current tab's list (after the filter), to clamp the selection. */
  readonly rowCount: number;
  /** Rows visible at once, for Page Up/Down. */
  readonly pageSize: number;
  /** The process on the selected row of the Processes tab, for Enter. */
  readonly selectedProcess: { readonly pid: number; readonly startTime: number } | null;
  /** Results of the help pane's explain search, to clamp its selection. */
  readonly helpResults: number;
}

export interface KeyResult {
  readonly state: UiState;
  readonly effect?: KeyEffect;
}

/** Every key, as the help pane and docs/tui.md list them. */
export const KEY_HELP: readonly (readonly [keys: string, action: string])[] = [
  ['1 … 9, 0', 'open tabs Overview … GPU'],
  ['Tab / Shift-Tab', 'next / previous tab (all tabs, Insights and Timeline included)'],
  ['↑ ↓  PgUp PgDn  Home', 'move the selection in lists'],
  ['Enter', 'detail of the selected process (Processes tab); Esc goes back'],
  ['/', 'filter the rows of this tab (Enter keeps it, Esc clears it)'],
  ['s', 'cycle the sort order of this tab'],
  ['T', 'process tree on/off (Processes tab)'],
  ['p', 'pause / resume the view (collection continues)'],
  ['← →', 'scrub back / forward through the session history'],
  ['End', 'back to live'],
  ['S', 'save the shown Snapshot to ./sysray-snapshot-<UTC>.json'],
  ['R', 'start / stop recording to ./sysray-recording/'],
  ['t', 'next theme (dark, light, high-contrast, solarized)'],
  ['?', 'this help; type to search the explanations, Esc closes'],
  ['q, Ctrl-C', 'quit and restore the terminal'],
];

/**
 * One key press per element. A terminal hands over what arrived together as one chunk — fast typing,
 * tmux send-keys or a paste (`java⏎`) — and ink passes it on whole; each character is a key here, so an
 * Enter at the end of a burst is not lost in the text.
 */
export function splitKeys(input: string, key: KeyInfo): [string, KeyInfo][] {
  const special =
    key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.home;
  if (input.length <= 1 || special || key.end || key.escape || key.ctrl || key.meta) return [[input, key]];
  return [...input].map((ch): [string, KeyInfo] => {
    if (ch === '\r' || ch === '\n') return ['', { return: true }];
    if (ch === '\t') return ['', { tab: true }];
    if (ch === '\u007f' || ch === '\b') return ['', { backspace: true }];
    return [ch, {}];
  });
}

/** Printable text typed into a field: no control characters, bounded. */
function typed(input: string): string {
  return input.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').slice(0, 64);
}

function withSelected(state: UiState, value: number, context: KeyContext): UiState {
  const max = Math.max(0, context.rowCount - 1);
  return { ...state, selected: { ...state.selected, [state.tab]: Math.min(max, Math.max(0, value)) } };
}

function switchTab(state: UiState, index: number): UiState {
  const count = TABS.length;
  const tab = TABS[((index % count) + count) % count]?.id ?? 'overview';
  return { ...state, tab, detail: tab === 'processes' ? state.detail : null };
}

function handleFilter(state: UiState, input: string, key: KeyInfo): KeyResult {
  if (key.return) {
    const filters = { ...state.filters, [state.tab]: state.filterDraft };
    return { state: { ...state, input: 'none', filters, selected: { ...state.selected, [state.tab]: 0 } } };
  }
  if (key.escape) {
    const filters = { ...state.filters, [state.tab]: '' };
    return { state: { ...state, input: 'none', filterDraft: '', filters } };
  }
  if (key.backspace || key.delete)
    return { state: { ...state, filterDraft: state.filterDraft.slice(0, -1) } };
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) {
    return { state };
  }
  const text = typed(input);
  return text === ''
    ? { state }
    : { state: { ...state, filterDraft: (state.filterDraft + text).slice(0, 128) } };
}

function handleHelp(state: UiState, input: string, key: KeyInfo, context: KeyContext): KeyResult {
  if (key.escape || (input === '?' && state.helpQuery === '')) {
    return { state: { ...state, input: 'none', helpQuery: '', helpSelected: 0 } };
  }
  if (key.backspace || key.delete) {
    return { state: { ...state, helpQuery: state.helpQuery.slice(0, -1), helpSelected: 0 } };
  }
  if (key.upArrow || key.downArrow) {
    const next = state.helpSelected + (key.upArrow ? -1 : 1);
    return {
      state: { ...state, helpSelected: Math.min(Math.max(0, context.helpResults - 1), Math.max(0, next)) },
    };
  }
  if (key.ctrl || key.meta || key.tab || key.return || key.leftArrow || key.rightArrow) return { state };
  const text = typed(input);
  return text === ''
    ? { state }
    : { state: { ...state, helpQuery: (state.helpQuery + text).slice(0, 64), helpSelected: 0 } };
}

/**
 * The next UI state for one key press, plus the effect the running TUI must perform. Pure, so every
 * binding is tested without a terminal.
 */
export function reduceKey(state: UiState, input: string, key: KeyInfo, context: KeyContext): KeyResult {
  if (key.ctrl && input === 'c') return { state, effect: 'quit' };
  // Any key clears the last message: it has been seen.
  const base: UiState = state.message ? { ...state, message: null } : state;
  if (base.input === 'filter') return handleFilter(base, input, key);
  if (base.input === 'help') return handleHelp(base, input, key, context);

  if (key.tab) return { state: switchTab(base, tabIndex(base.tab) + (key.shift ? -1 : 1)) };
  if (key.leftArrow) {
    if (context.latestSeq < 0) return { state: base };
    const from = base.pinned ?? context.latestSeq;
    return { state: { ...base, pinned: Math.max(context.oldestSeq, from - 1) } };
  }
  if (key.rightArrow) {
    if (base.pinned === null) return { state: base };
    return { state: { ...base, pinned: Math.min(context.latestSeq, base.pinned + 1) } };
  }
  if (key.end) return { state: { ...base, pinned: null } };
  if (key.upArrow) return { state: withSelected(base, (base.selected[base.tab] ?? 0) - 1, context) };
  if (key.downArrow) return { state: withSelected(base, (base.selected[base.tab] ?? 0) + 1, context) };
  if (key.pageUp) {
    return { state: withSelected(base, (base.selected[base.tab] ?? 0) - context.pageSize, context) };
  }
  if (key.pageDown) {
    return { state: withSelected(base, (base.selected[base.tab] ?? 0) + context.pageSize, context) };
  }
  if (key.home) return { state: withSelected(base, 0, context) };
  if (key.return) {
    if (base.tab === 'processes' && context.selectedProcess) {
      return { state: { ...base, detail: context.selectedProcess } };
    }
    return { state: base };
  }
  if (key.escape) {
    if (base.detail) return { state: { ...base, detail: null } };
    if (base.filters[base.tab]) return { state: { ...base, filters: { ...base.filters, [base.tab]: '' } } };
    return { state: base };
  }
  if (key.ctrl || key.meta) return { state: base };

  const tab = TABS.findIndex((t) => t.digit === input);
  if (tab >= 0) return { state: switchTab(base, tab) };
  switch (input) {
    case 'q':
      return { state: base, effect: 'quit' };
    case '?':
      return { state: { ...base, input: 'help', helpQuery: '', helpSelected: 0 } };
    case '/':
      if (!LIST_TABS.has(base.tab)) {
        return { state: { ...base, message: { text: 'nothing to filter on this tab', kind: 'info' } } };
      }
      return { state: { ...base, input: 'filter', filterDraft: base.filters[base.tab] ?? '' } };
    case 's': {
      const keys = SORTS[base.tab];
      if (!keys)
        return { state: { ...base, message: { text: 'nothing to sort on this tab', kind: 'info' } } };
      const next = ((base.sorts[base.tab] ?? 0) + 1) % keys.length;
      const sorted = { ...base, sorts: { ...base.sorts, [base.tab]: next } };
      return {
        state: { ...sorted, message: { text: `sorted by ${sortKeyOf(sorted) ?? ''}`, kind: 'info' } },
      };
    }
    case 'T':
      return {
        state: {
          ...base,
          tab: 'processes',
          tree: !base.tree,
          detail: null,
          message: { text: base.tree ? 'process table' : 'process tree', kind: 'info' },
        },
      };
    case 'p':
      if (context.latestSeq < 0) return { state: base };
      return { state: { ...base, pinned: base.pinned === null ? context.latestSeq : null } };
    case 't': {
      const theme = (base.theme + 1) % THEMES.length;
      return {
        state: { ...base, theme, message: { text: `theme: ${THEMES[theme]?.name ?? ''}`, kind: 'info' } },
      };
    }
    case 'S':
      return { state: base, effect: 'save' };
    case 'R':
      return { state: base, effect: 'record' };
    default:
      return { state: base };
  }
}
