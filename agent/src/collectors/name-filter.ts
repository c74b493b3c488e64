/**
 * Include/exclude rules for devices, mounts, interfaces and processes. Patterns are regular expressions
 * matched against the whole name (anchored). An empty include list includes everything; exclude wins.
 */
export interface NameFilterRules {
  readonly include?: readonly string[] | undefined;
  readonly exclude?: readonly string[] | undefined;
}

export type NameFilter = (name: string) => boolean;

function compile(patterns: readonly string[] | undefined, what: string): RegExp[] {
  return (patterns ?? []).map((pattern) => {
    try {
      return new RegExp(`^(?:${pattern})$`);
    } catch (error) {
      throw new Error(`invalid ${what} pattern ${JSON.stringify(pattern)}: ${(error as Error).message}`);
    }
  });
}

export function createNameFilter(rules: NameFilterRules): NameFilter {
  const include = compile(rules.include, 'include');
  const exclude = compile(rules.exclude, 'exclude');
  return (name) => {
    if (exclude.some((re) => re.test(name))) return false;
    return include.length === 0 || include.some((re) => re.test(name));
  };
}
