import type { FilesystemsData, ProcessesData, Section, Snapshot } from '@sysray/proto';

/** What a masked value reads as. */
export const REDACTED = '***';

/**
 * Default patterns on argument and variable names (after `normalizeArgumentName`): passwords, tokens,
 * secrets, credentials, API keys and auth values. `key` and `auth` must be whole name components so
 * `--monkey` and `--author` are left alone while `--api-key`, `apiKey`, `AWS_ACCESS_KEY` and `--auth`
 * are masked.
 */
export const DEFAULT_REDACTION_PATTERNS: readonly string[] = Object.freeze([
  'passw(?:or)?d',
  'token',
  'secret',
  'credential',
  '(?:^|_)(?:api_?)?keys?(?:_|$)',
  '(?:^|_)auth(?:orization)?(?:_|$)',
]);

/** Masks secrets in one string (a command line, a mount source); returns the input when nothing matched. */
export type Redactor = (text: string) => string;

/** The identity redactor, for `redaction.enabled = false`. */
export const noRedaction: Redactor = (text) => text;

/**
 * `--DB-Password`, `apiKey`, `MYSQL_ROOT_PASSWORD`, `-Djavax.net.ssl.keyStorePassword` → lower-case words
 * joined by `_` (`db_password`, `api_key`, `mysql_root_password`, `djavax_net_ssl_key_store_password`),
 * so one pattern covers every spelling: kebab, snake, camel and dotted.
 */
export function normalizeArgumentName(name: string): string {
  return name
    .replace(/^-+/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[-.\s]+/g, '_')
    .toLowerCase();
}

/** `scheme://user:password@host` (RFC 3986 userinfo): the password goes, the user stays. */
const URL_USERINFO = /\b([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s/@:]*):([^\s/@]*)@/g;
/** A whole token that is `name=value`, optionally a flag: `--password=x`, `PASSWORD=x`, `-Dkey.password=x`. */
const ASSIGNMENT_TOKEN = /^(-{0,2}[A-Za-z_][\w.-]*)=(.+)$/s;
/** `name=value` pairs after `?`, `&` or `;` inside a token: query strings and connection strings. */
const INNER_PAIR = /([?&;])([A-Za-z_][\w.-]*)=([^&;\s]*)/g;
/** A flag that takes its value as the next argument: `--token abc`, `-token abc`. */
const FLAG_TOKEN = /^-{1,2}[A-Za-z][\w.-]*$/;

export interface RedactorOptions {
  /** Regexes whose whole match is masked anywhere (for secrets with a recognisable shape, e.g. `AKIA[0-9A-Z]{16}`). */
  readonly valuePatterns?: readonly string[];
}

function compile(patterns: readonly string[], flags: string, what: string): RegExp | null {
  if (patterns.length === 0) return null;
  try {
    return new RegExp(patterns.map((p) => `(?:${p})`).join('|'), flags);
  } catch (error) {
    throw new Error(`invalid redaction ${what}: ${(error as Error).message}`);
  }
}

/**
 * Builds a redactor from name patterns (case-insensitive regexes on the normalized argument name,
 * unanchored). It masks, in a whitespace-separated command line:
 * - `--name=value`, `-name=value` and `NAME=value` (environment-style) when the name matches;
 * - `--name value` / `-name value`: the next argument, unless it is itself a flag (starts with `-`);
 * - `name=value` pairs inside query and connection strings (`?token=…&`, `;Password=…`);
 * - the password of URLs with credentials (`https://user:pass@host` → `https://user:***@host`), always;
 * - whatever `valuePatterns` match.
 * Out of scope: values glued to short options (`mysql -psecret`) — no rule separates them from ordinary
 * short options without knowing each program — and values that contained spaces, which the kernel's NUL
 * separators lose once a command line is joined with spaces (only the first word is masked).
 */
export function createRedactor(
  patterns: readonly string[] = DEFAULT_REDACTION_PATTERNS,
  options: RedactorOptions = {},
): Redactor {
  const names = compile(patterns, 'i', 'pattern');
  const values = compile(options.valuePatterns ?? [], 'g', 'value pattern');
  const sensitive = (name: string): boolean => names !== null && names.test(normalizeArgumentName(name));
  const maskPairs = (token: string): string =>
    token.includes('=')
      ? token.replace(INNER_PAIR, (whole, sep: string, name: string, value: string) =>
          value !== '' && sensitive(name) ? `${sep}${name}=${REDACTED}` : whole,
        )
      : token;
  return (text) => {
    if (text === '') return text;
    let maskNext = false;
    let result = text.replace(/\S+/g, (token) => {
      if (maskNext) {
        maskNext = false;
        if (!token.startsWith('-')) return REDACTED;
      }
      const assignment = ASSIGNMENT_TOKEN.exec(token);
      if (assignment && sensitive(assignment[1] ?? '')) return `${assignment[1] ?? ''}=${REDACTED}`;
      if (FLAG_TOKEN.test(token) && sensitive(token)) {
        maskNext = true;
        return token;
      }
      return maskPairs(token);
    });
    result = result.replace(URL_USERINFO, (whole, prefix: string, password: string) =>
      password === '' ? whole : `${prefix}:${REDACTED}@`,
    );
    if (values !== null) result = result.replace(values, REDACTED);
    return result;
  };
}

function mapSection<T>(section: Section<T>, map: (data: T) => T): Section<T> {
  return section.status === 'ok' ? { ...section, data: map(section.data) } : section;
}

/**
 * The one place a Snapshot is made safe to leave the agent (`/snapshot`, the OpenTelemetry mapping,
 * `sysray snapshot` output): process command lines, and mount sources and options (CIFS and NFS mounts
 * can carry credentials). Returns a new Snapshot; the input is not modified.
 */
export function redactSnapshot(snapshot: Snapshot, redactor: Redactor): Snapshot {
  if (redactor === noRedaction) return snapshot;
  const processes = mapSection<ProcessesData>(snapshot.sections.processes, (data) => ({
    ...data,
    top: data.top.map((p) => {
      const command = redactor(p.command);
      return command === p.command ? p : { ...p, command };
    }),
  }));
  const filesystems = mapSection<FilesystemsData>(snapshot.sections.filesystems, (data) => ({
    ...data,
    mounts: data.mounts.map((m) => ({
      ...m,
      device: redactor(m.device),
      options: m.options.map((o) => redactor(o)),
    })),
  }));
  return { ...snapshot, sections: { ...snapshot.sections, processes, filesystems } };
}
