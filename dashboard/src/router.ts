import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routing: every view is a URL (`#/fleet?q=web&sort=cpu`, `#/host/<id>?range=1h`, `#/alerts?tab=history`),
 * so views deep-link and survive reloads without the gateway knowing the routes.
 */
export interface Route {
  /** Path segments after `#/`, decoded: ['host', 'web-1']. */
  readonly parts: readonly string[];
  readonly params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const body = hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = body.split('?', 2);
  const parts = path
    .split('/')
    .filter((part) => part !== '')
    .map(decodeURIComponent);
  return { parts: parts.length === 0 ? ['fleet'] : parts, params: new URLSearchParams(query) };
}

export function href(
  parts: readonly string[],
  params: Record<string, string | null | undefined> = {},
): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== null && value !== undefined && value !== '') query.set(key, value);
  const text = query.toString();
  return `#/${parts.map(encodeURIComponent).join('/')}${text === '' ? '' : `?${text}`}`;
}

export function navigate(
  parts: readonly string[],
  params: Record<string, string | null | undefined> = {},
  replace = false,
): void {
  const target = href(parts, params);
  if (replace) history.replaceState(null, '', target);
  else location.hash = target;
  if (replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/** Changes some query parameters of the current view, keeping the others. */
export function setParams(route: Route, changes: Record<string, string | null>, replace = true): void {
  const params: Record<string, string | null> = Object.fromEntries(route.params.entries());
  navigate(route.parts, { ...params, ...changes }, replace);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
