/** The value of one sample in Prometheus text, e.g. `sample(text, 'x_total', { reason: 'a' })`; undefined if absent. */
export function sample(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const found: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      found[pair[1]!] = pair[2]!;
    }
    if (
      Object.entries(labels).every(([key, value]) => found[key] === value) &&
      Object.keys(found).length === Object.keys(labels).length
    ) {
      return Number(match[3]);
    }
  }
  return undefined;
}
