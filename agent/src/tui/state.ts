/** The TUI's view state: which tab, filter, sort, selection, pause/scrub position, theme. No I/O. */

export type TabId =
  | 'overview'
  | 'cpu'
  | 'memory'
  | 'disks'
  | 'filesystems'
  | 'processes'
  | 'containers'
  | 'pressure'
  | 'network'
  | 'gpu'
  | 'insights'
  | 'timeline';

export interface TabDefinition {
  readonly id: TabId;
  readonly title: string;
  /** Title used when the terminal is too narrow for the full ones. */
  readonly short: string;
  /** The digit that opens it, when it has one (1..9 then 0). */
  readonly digit: string | null;
}

export const TABS: readonly TabDefinition[] = [
  { id: 'overview', title: 'Overview', short: 'Ovw', digit: '1' },
  { id: 'cpu', title: 'CPU', short: 'CPU', digit: '2' },
  { id: 'memory', title: 'Memory', short: 'Mem', digit: '3' },
  { id: 'disks', title: 'Disks', short: 'Disk', digit: '4' },
  { id: 'filesystems', title: 'Filesystems', short: 'FS', digit: '5' },
  { id: 'processes', title: 'Processes', short: 'Proc', digit: '6' },
  { id: 'containers', title: 'Containers', short: 'Cont', digit: '7' },
  { id: 'pressure', title: 'Pressure', short: 'PSI', digit: '8' },
  { id: 'network', title: 'Network', short: 'Net', digit: '9' },
  { id: 'gpu', title: 'GPU', short: 'GPU', digit: '0' },
  { id: 'insights', title: 'Insights', short: 'Ins', digit: null },
  { id: 'timeline', title: 'Timeline', short: 'Time', digit: null },
];

/** The orders `s` cycles through on each tab that lists things; the first is the default. */
export const SORTS: Readonly<Partial<Record<TabId, readonly string[]>>> = {
  processes: ['cpu', 'memory', 'io', 'pid', 'name'],
  containers: ['tree', 'cpu', 'memory', 'name'],
  disks: ['utilization', 'read', 'write', 'name'],
  filesystems: ['used', 'size', 'mount'],
  network: ['rx', 'tx', 'name'],
};

/** Tabs whose rows can be filtered with `/` and selected with ↑/↓. */
export const LIST_TABS: ReadonlySet<TabId> = new Set<TabId>([
  'disks',
  'filesystems',
  'processes',
  'containers',
  'network',
  'insights',
  'timeline',
]);

export type InputMode = 'none' | 'filter' | 'help';

export interface Message {
  readonly text: string;
  readonly kind: 'info' | 'error';
}

export interface UiState {
  readonly tab: TabId;
  readonly input: InputMode;
  /** The filter being typed after `/` (applied live while typing). */
  readonly filterDraft: string;
  readonly filters: Readonly<Partial<Record<TabId, string>>>;
  /** Index into SORTS[tab]. */
  readonly sorts: Readonly<Partial<Record<TabId, number>>>;
  /** Selected row per tab. */
  readonly selected: Readonly<Partial<Record<TabId, number>>>;
  /** Processes as a parent/child tree instead of a sorted table. */
  readonly tree: boolean;
  /** The process whose detail view is open (pid plus start time: pids are reused). */
  readonly detail: { readonly pid: number; readonly startTime: number } | null;
  /** Sample sequence number shown while paused or scrubbing; null follows the newest sample (live). */
  readonly pinned: number | null;
  /** Index into THEMES. */
  readonly theme: number;
  readonly helpQuery: string;
  readonly helpSelected: number;
  readonly message: Message | null;
}

export function initialUiState(overrides: Partial<UiState> = {}): UiState {
  return {
    tab: 'overview',
    input: 'none',
    filterDraft: '',
    filters: {},
    sorts: {},
    selected: {},
    tree: false,
    detail: null,
    pinned: null,
    theme: 0,
    helpQuery: '',
    helpSelected: 0,
    message: null,
    ...overrides,
  };
}

export function tabIndex(tab: TabId): number {
  return TABS.findIndex((t) => t.id === tab);
}

/** The sort key in effect on `tab`, or null where the tab has no orders. */
export function sortKeyOf(state: UiState, tab: TabId = state.tab): string | null {
  const keys = SORTS[tab];
  if (!keys) return null;
  return keys[(state.sorts[tab] ?? 0) % keys.length] ?? null;
}

/** The filter in effect on `tab`: the draft while it is being typed. */
export function filterOf(state: UiState, tab: TabId = state.tab): string {
  return state.input === 'filter' && tab === state.tab ? state.filterDraft : (state.filters[tab] ?? '');
}

export function selectedOf(state: UiState, tab: TabId = state.tab): number {
  return state.selected[tab] ?? 0;
}
