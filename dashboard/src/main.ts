import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getToken, onUnauthorized, setToken } from './api.js';
import { AlertsPage } from './pages/alerts.js';
import { ContainersPage } from './pages/containers.js';
import { FleetPage } from './pages/fleet.js';
import { HostPage } from './pages/host.js';
import { navigate, useRoute } from './router.js';
import './style.css';

/**
 * The Sysray dashboard: a single page the gateway serves at `/`. Preact + htm (no build-time JSX, about 5 KB
 * gzipped) and uPlot for charts keep the page small; see docs/dashboard.md.
 */

const THEME_KEY = 'sysray.theme';

function initialTheme(): 'dark' | 'light' {
  const stored = localStorage.getItem(THEME_KEY);
  if (stored === 'dark' || stored === 'light') return stored;
  return window.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

function applyTheme(theme: 'dark' | 'light'): void {
  document.documentElement.dataset.theme = theme;
  localStorage.setItem(THEME_KEY, theme);
}

/** j/k move the selection in the page's first navigable table; Enter opens the row's link. */
function moveSelection(delta: number): void {
  const table = document.querySelector('table.nav');
  if (table === null) return;
  const rows = [...table.querySelectorAll<HTMLTableRowElement>('tbody tr:not(.group)')];
  if (rows.length === 0) return;
  const current = rows.findIndex((row) => row.classList.contains('selected'));
  const next = Math.max(0, Math.min(rows.length - 1, current + delta));
  rows[current]?.classList.remove('selected');
  rows[next]!.classList.add('selected');
  rows[next]!.scrollIntoView({ block: 'nearest' });
}

const HELP = [
  ['g f', 'fleet'],
  ['g c', 'containers'],
  ['g a', 'alerts'],
  ['j / k', 'next / previous row'],
  ['Enter', 'open the selected row'],
  ['/', 'search'],
  ['t', 'toggle theme'],
  ['?', 'this help'],
] as const;

function useKeys(toggleTheme: () => void, toggleHelp: () => void): void {
  useEffect(() => {
    let pendingG = false;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (
        target.closest('input, textarea, select') !== null ||
        event.metaKey ||
        event.ctrlKey ||
        event.altKey
      ) {
        if (event.key === 'Escape') target.blur();
        return;
      }
      if (pendingG) {
        pendingG = false;
        const to = { f: 'fleet', c: 'containers', a: 'alerts' }[event.key];
        if (to !== undefined) navigate([to]);
        return;
      }
      switch (event.key) {
        case 'g':
          pendingG = true;
          setTimeout(() => (pendingG = false), 1500);
          break;
        case 'j':
          moveSelection(1);
          break;
        case 'k':
          moveSelection(-1);
          break;
        case 'Enter':
          document.querySelector<HTMLAnchorElement>('table.nav tr.selected a.rowlink')?.click();
          break;
        case '/': {
          const search = document.getElementById('search');
          if (search !== null) {
            event.preventDefault();
            search.focus();
          }
          break;
        }
        case 't':
          toggleTheme();
          break;
        case '?':
          toggleHelp();
          break;
        default:
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

function Login(props: { onDone: () => void }) {
  const submit = (event: Event) => {
    event.preventDefault();
    const token = new FormData(event.target as HTMLFormElement).get('token');
    setToken(typeof token === 'string' ? token.trim() : null);
    props.onDone();
  };
  return html`<div class="page login">
    <h2>Sign in</h2>
    <p>This gateway needs an API token (<code>auth.apiTokens</code>, role read or admin).</p>
    <form onSubmit=${submit} id="login">
      <input
        name="token"
        type="password"
        autocomplete="current-password"
        placeholder="API token"
        required
        autofocus
      />
      <button type="submit">Sign in</button>
    </form>
    ${getToken() !== null ? html`<p class="error">The stored token was refused.</p>` : null}
  </div>`;
}

function App() {
  const route = useRoute();
  const [theme, setTheme] = useState(initialTheme);
  const [help, setHelp] = useState(false);
  const [needsLogin, setNeedsLogin] = useState(false);
  useEffect(() => applyTheme(theme), [theme]);
  useEffect(() => onUnauthorized(() => setNeedsLogin(true)), []);
  useKeys(
    () => setTheme((t) => (t === 'dark' ? 'light' : 'dark')),
    () => setHelp((h) => !h),
  );
  const page = route.parts[0];
  const nav = (name: string, title: string) =>
    html`<a class=${page === name ? 'active' : ''} href=${`#/${name}`}>${title}</a>`;
  let body;
  if (needsLogin) body = html`<${Login} onDone=${() => location.reload()} />`;
  else if (page === 'host' && route.parts[1] !== undefined)
    body = html`<${HostPage} key=${route.parts[1]} route=${route} id=${route.parts[1]} />`;
  else if (page === 'containers') body = html`<${ContainersPage} route=${route} />`;
  else if (page === 'alerts') body = html`<${AlertsPage} route=${route} />`;
  else body = html`<${FleetPage} route=${route} />`;
  return html`<header>
      <h1><a href="#/fleet">Sysray</a></h1>
      <nav>${nav('fleet', 'Fleet')}${nav('containers', 'Containers')}${nav('alerts', 'Alerts')}</nav>
      <span class="spacer"></span>
      <button
        class="theme"
        title="Toggle theme (t)"
        onClick=${() => setTheme(theme === 'dark' ? 'light' : 'dark')}
      >
        ${theme === 'dark' ? '☀' : '☾'}
      </button>
      ${
        getToken() !== null
          ? html`<button
              onClick=${() => {
                setToken(null);
                location.reload();
              }}
            >
              Sign out
            </button>`
          : null
      }
      <button title="Keys (?)" onClick=${() => setHelp(!help)}>?</button>
    </header>
    ${
      help
        ? html`<aside class="help" id="help">
            <h3>Keys</h3>
            <dl>
              ${HELP.map(
                ([key, what]) =>
                  html`<dt><kbd>${key}</kbd></dt>
                    <dd>${what}</dd>`,
              )}
            </dl>
          </aside>`
        : null
    }
    <main>${body}</main>`;
}

render(html`<${App} />`, document.getElementById('app')!);
