import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import {
  alertHost,
  alertName,
  alertSeverity,
  alertSince,
  alertState,
  alertSummary,
  api,
  ApiError,
  listOf,
  type Alert,
} from '../api.js';
import { ago } from '../format.js';
import { fleet as fleetStore, useFleet } from '../live.js';
import { href, setParams, type Route } from '../router.js';

/**
 * Alerts: active (live), history, silences (create, expire) and rules, from the gateway's alerts engine
 * (GET /api/v1/alerts, /alerts/history, /rules, GET/POST /silences, DELETE /silences/:id). Without the engine
 * the routes 404 and the page says "alerts not available". URL: `#/alerts?tab=active|history|silences|rules&q=`.
 */
const TABS = ['active', 'history', 'silences', 'rules'] as const;

function AlertTable(props: { alerts: readonly Alert[]; q: string }) {
  const q = props.q.toLowerCase();
  const list = props.alerts.filter((a) => q === '' || JSON.stringify(a).toLowerCase().includes(q));
  if (list.length === 0) return html`<p class="empty">no alerts</p>`;
  return html`<table class="grid nav" id="alerts-table">
    <thead>
      <tr>
        <th>Alert</th>
        <th>Host</th>
        <th>Severity</th>
        <th>State</th>
        <th>Since</th>
        <th>Summary</th>
      </tr>
    </thead>
    <tbody>
      ${list.map(
        (a) =>
          html`<tr class="sev-${alertSeverity(a)}" data-alert=${alertName(a)}>
            <td>${alertName(a)}</td>
            <td><a class="rowlink" href=${href(['host', alertHost(a)])}>${alertHost(a)}</a></td>
            <td>${alertSeverity(a)}</td>
            <td>${alertState(a)}</td>
            <td>${ago(alertSince(a))}</td>
            <td>${alertSummary(a)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function Silences(props: { refresh: () => void }) {
  const [list, setList] = useState<Record<string, unknown>[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    api.silences().then(
      (answer) => setList(listOf(answer)),
      (e: Error) => setError(e.message),
    );
  }, [version]);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const matchers = String(form.get('matchers') ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.includes('='))
      .map((part) => {
        const [name = '', ...rest] = part.split('=');
        return { name: name.trim(), value: rest.join('=').trim(), isRegex: false, isEqual: true };
      });
    const hours = Number(form.get('hours') ?? 1);
    const now = Date.now();
    try {
      await api.createSilence({
        matchers,
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + hours * 3_600_000).toISOString(),
        comment: String(form.get('comment') ?? ''),
        createdBy: String(form.get('createdBy') ?? 'dashboard'),
      });
      setError(null);
      setVersion(version + 1);
      props.refresh();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const expire = async (id: string) => {
    await api.expireSilence(id).catch((e: Error) => setError(e.message));
    setVersion(version + 1);
    props.refresh();
  };
  return html`<div>
    <form class="silence-form" onSubmit=${submit}>
      <input name="matchers" placeholder="matchers: rule=HighCpu, host=web-1" required />
      <input name="hours" type="number" min="0.1" step="0.1" value="1" aria-label="hours" />
      <input name="comment" placeholder="comment" />
      <input name="createdBy" placeholder="created by" value="dashboard" />
      <button type="submit">Silence</button>
    </form>
    ${error !== null ? html`<p class="error">${error}</p>` : null}
    ${
      list === null
        ? html`<p class="empty">loading…</p>`
        : html`<table class="grid nav" id="silences">
            <thead>
              <tr>
                <th>Matchers</th>
                <th>Ends</th>
                <th>Comment</th>
                <th>By</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              ${list.map((s) => {
                const id = String(s.id ?? '');
                const matchers = Array.isArray(s.matchers)
                  ? (s.matchers as { name: string; value: string }[])
                      .map((m) => `${m.name}=${m.value}`)
                      .join(', ')
                  : '';
                return html`<tr>
                  <td>${matchers}</td>
                  <td>${String(s.endsAt ?? s.endsAtMs ?? '')}</td>
                  <td>${String(s.comment ?? '')}</td>
                  <td>${String(s.createdBy ?? '')}</td>
                  <td><button onClick=${() => expire(id)}>Expire</button></td>
                </tr>`;
              })}
            </tbody>
          </table>`
    }
  </div>`;
}

function Raw(props: { load: () => Promise<unknown>; id: string }) {
  const [list, setList] = useState<Record<string, unknown>[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    props.load().then(
      (answer) => setList(listOf(answer)),
      (e: Error) => setError(e.message),
    );
  }, [props.id]);
  if (error !== null) return html`<p class="error">${error}</p>`;
  if (list === null) return html`<p class="empty">loading…</p>`;
  if (props.id === 'history') return html`<${AlertTable} alerts=${list} q="" />`;
  return html`<table class="grid nav" id="rules">
    <thead>
      <tr>
        <th>Rule</th>
        <th>Severity</th>
        <th>Definition</th>
      </tr>
    </thead>
    <tbody>
      ${list.map(
        (r) =>
          html`<tr>
            <td>${String(r.name ?? r.id ?? '')}</td>
            <td>${String(r.severity ?? (r.labels as Record<string, string> | undefined)?.severity ?? '')}</td>
            <td><code>${JSON.stringify(r.condition ?? r.expr ?? r)}</code></td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** Alerts a silence or quiet hours mute right now (`mutedBy` names them): a silence hides them here. */
function isMuted(alert: unknown): boolean {
  const mutedBy = (alert as { mutedBy?: unknown }).mutedBy;
  return Array.isArray(mutedBy) && mutedBy.length > 0;
}

function unmuted<T>(alerts: readonly T[]): T[] {
  return alerts.filter((alert) => !isMuted(alert));
}

function muted(alerts: readonly unknown[]): number {
  return alerts.filter(isMuted).length;
}

export function AlertsPage(props: { route: Route }) {
  const fleet = useFleet();
  const [available, setAvailable] = useState<boolean | null>(null);
  const tab = props.route.params.get('tab') ?? 'active';
  const q = props.route.params.get('q') ?? '';
  useEffect(() => {
    api.alerts().then(
      () => setAvailable(true),
      (e: unknown) => setAvailable(!(e instanceof ApiError && e.status === 404)),
    );
  }, [fleet.alerts === null]);
  if (available === false)
    return html`<div class="page alerts">
      <p class="empty" id="alerts-unavailable">alerts not available (this gateway has no alerts engine)</p>
    </div>`;
  return html`<div class="page alerts">
    <nav class="tabs">
      ${TABS.map((name) => html`<a class=${tab === name ? 'active' : ''} href=${href(['alerts'], { tab: name })}>${name}</a>`)}
    </nav>
    ${
      tab === 'active'
        ? html`<div class="toolbar">
              <input
                id="search"
                type="search"
                placeholder="Filter alerts (/)"
                value=${q}
                onInput=${(e: Event) => setParams(props.route, { q: (e.target as HTMLInputElement).value })}
              />
            </div>
            <${AlertTable} alerts=${unmuted(fleet.alerts ?? [])} q=${q} />
            ${
              muted(fleet.alerts ?? []) > 0
                ? html`<p class="empty" id="alerts-muted">
                    ${muted(fleet.alerts ?? [])} silenced alert(s) hidden
                  </p>`
                : null
            }`
        : tab === 'silences'
          ? html`<${Silences} refresh=${() => void fleetStore.refreshAlerts()} />`
          : html`<${Raw} id=${tab} load=${tab === 'history' ? api.alertHistory : api.rules} />`
    }
  </div>`;
}
