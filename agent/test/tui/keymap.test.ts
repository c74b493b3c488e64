import { describe, expect, it } from 'vitest';
import { KEY_HELP, reduceKey, type KeyContext, type KeyInfo } from '../../src/tui/keymap.js';
import { TABS, filterOf, initialUiState, sortKeyOf, type UiState } from '../../src/tui/state.js';
import { THEMES } from '../../src/tui/themes.js';

const context: KeyContext = {
  latestSeq: 9,
  oldestSeq: 2,
  rowCount: 5,
  pageSize: 3,
  selectedProcess: { pid: 42, startTime: 1000 },
  helpResults: 4,
};

function press(state: UiState, input: string, key: KeyInfo = {}, ctx: KeyContext = context) {
  return reduceKey(state, input, key, ctx);
}

function run(keys: readonly (string | KeyInfo)[], state = initialUiState()): UiState {
  for (const k of keys) state = typeof k === 'string' ? press(state, k).state : press(state, '', k).state;
  return state;
}

describe('reduceKey', () => {
  it('opens tabs 1…9 and 0 by digit, and every tab by Tab/Shift-Tab', () => {
    expect(run(['2']).tab).toBe('cpu');
    expect(run(['0']).tab).toBe('gpu');
    expect(run(['9']).tab).toBe('network');
    expect(run([{ tab: true }]).tab).toBe('cpu');
    expect(run([{ tab: true, shift: true }]).tab).toBe('timeline');
    let state = initialUiState();
    const seen = new Set<string>();
    for (let i = 0; i < TABS.length; i += 1) {
      seen.add(state.tab);
      state = press(state, '', { tab: true }).state;
    }
    expect(seen.size).toBe(TABS.length);
    expect(state.tab).toBe('overview');
  });

  it('filters live while typing, keeps on Enter, clears on Esc', () => {
    let state = run(['6', '/', 'n', 'g', 'x']);
    expect(state.input).toBe('filter');
    expect(filterOf(state)).toBe('ngx');
    state = press(state, '', { backspace: true }).state;
    expect(filterOf(state)).toBe('ng');
    state = press(state, '', { return: true }).state;
    expect(state.input).toBe('none');
    expect(state.filters.processes).toBe('ng');
    // Typed keys while filtering are text, not commands.
    state = run(['/', 'q'], state);
    expect(state.filterDraft).toBe('ngq');
    state = press(state, '', { escape: true }).state;
    expect(state.filters.processes).toBe('');
  });

  it('drops control characters typed into the filter', () => {
    const state = run(['6', '/', '\u001b[31mx\u0007']);
    expect(state.filterDraft).toBe('[31mx');
  });

  it('says when a tab has nothing to filter or sort', () => {
    expect(run(['/']).message?.text).toMatch(/nothing to filter/);
    expect(run(['s']).message?.text).toMatch(/nothing to sort/);
  });

  it('cycles the sort order of the current tab only', () => {
    let state = run(['6']);
    expect(sortKeyOf(state)).toBe('cpu');
    state = run(['s', 's'], state);
    expect(sortKeyOf(state)).toBe('io');
    expect(state.message?.text).toBe('sorted by io');
    expect(sortKeyOf(state, 'disks')).toBe('utilization');
    state = run(['s', 's', 's'], state);
    expect(sortKeyOf(state)).toBe('cpu');
  });

  it('pauses at the newest sample, scrubs back and forward, and End goes live', () => {
    let state = run(['p']);
    expect(state.pinned).toBe(9);
    state = run(['p'], state);
    expect(state.pinned).toBeNull();
    state = run([{ leftArrow: true }, { leftArrow: true }], state);
    expect(state.pinned).toBe(7);
    state = run([{ rightArrow: true }], state);
    expect(state.pinned).toBe(8);
    for (let i = 0; i < 20; i += 1) state = press(state, '', { leftArrow: true }).state;
    expect(state.pinned).toBe(2); // the oldest sample still held
    state = run([{ end: true }], state);
    expect(state.pinned).toBeNull();
  });

  it('does not pause before the first sample', () => {
    const empty = { ...context, latestSeq: -1, oldestSeq: -1 };
    expect(press(initialUiState(), 'p', {}, empty).state.pinned).toBeNull();
    expect(press(initialUiState(), '', { leftArrow: true }, empty).state.pinned).toBeNull();
  });

  it('moves the selection within the list', () => {
    let state = run(['6', { downArrow: true }, { downArrow: true }]);
    expect(state.selected.processes).toBe(2);
    state = run([{ pageDown: true }], state);
    expect(state.selected.processes).toBe(4); // clamped to rowCount - 1
    state = run([{ upArrow: true }, { home: true }], state);
    expect(state.selected.processes).toBe(0);
    state = run([{ upArrow: true }], state);
    expect(state.selected.processes).toBe(0);
  });

  it('opens the detail of the selected process on Enter and closes it on Esc', () => {
    let state = run(['6', { return: true }]);
    expect(state.detail).toEqual({ pid: 42, startTime: 1000 });
    state = run([{ escape: true }], state);
    expect(state.detail).toBeNull();
    expect(run(['2', { return: true }]).detail).toBeNull();
  });

  it('toggles the process tree and switches to the Processes tab', () => {
    const state = run(['T']);
    expect(state.tree).toBe(true);
    expect(state.tab).toBe('processes');
    expect(run(['T'], state).tree).toBe(false);
  });

  it('cycles through every theme', () => {
    let state = initialUiState();
    const names = new Set<string>();
    for (let i = 0; i < THEMES.length; i += 1) {
      names.add(THEMES[state.theme]!.name);
      state = press(state, 't').state;
    }
    expect([...names]).toEqual(['dark', 'light', 'high-contrast', 'solarized']);
    expect(state.theme).toBe(0);
  });

  it('asks for the save, record and quit effects', () => {
    expect(press(initialUiState(), 'S').effect).toBe('save');
    expect(press(initialUiState(), 'R').effect).toBe('record');
    expect(press(initialUiState(), 'q').effect).toBe('quit');
    expect(press(initialUiState(), 'c', { ctrl: true }).effect).toBe('quit');
    // Ctrl-C quits even while typing a filter.
    expect(press(run(['6', '/']), 'c', { ctrl: true }).effect).toBe('quit');
  });

  it('types into the help search and closes on Esc or ? with an empty query', () => {
    let state = run(['?']);
    expect(state.input).toBe('help');
    state = run(['c', 'p', 'u'], state);
    expect(state.helpQuery).toBe('cpu');
    state = run([{ downArrow: true }, { downArrow: true }], state);
    expect(state.helpSelected).toBe(2);
    state = run([{ escape: true }], state);
    expect(state.input).toBe('none');
    expect(run(['?', '?']).input).toBe('none');
  });

  it('clears a message on the next key', () => {
    const state = run(['t']);
    expect(state.message).not.toBeNull();
    expect(run(['x'], state).message).toBeNull();
  });

  it('documents every key it handles', () => {
    const documented = KEY_HELP.map(([keys]) => keys).join(' ');
    for (const key of ['?', '/', 's', 'T', 'p', '←', '→', 'End', 'S', 'R', 't', 'q', 'Tab', 'Enter', '1']) {
      expect(documented, key).toContain(key);
    }
  });
});
