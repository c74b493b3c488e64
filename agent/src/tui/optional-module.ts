/**
 * Whether `error` says that the module `name` (a path fragment such as `alerts` or `explain`) does not
 * exist, from Node (`ERR_MODULE_NOT_FOUND`) or from vite's loader in tests. An error raised inside a
 * module that does exist is not this, and must not be hidden.
 */
export function isMissingModule(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const missing =
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /cannot find module|failed to load url|does the file exist/i.test(message);
  return missing && message.includes(name);
}
