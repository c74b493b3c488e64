import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiRole, ApiToken } from './config.js';

/**
 * Bearer tokens (RFC 6750 §2.1: `Authorization: Bearer <token>`), compared in constant time: every
 * configured token is checked against SHA-256 digests, so neither the length nor a matching prefix of a
 * token shows in the response time.
 */

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The token of an `Authorization: Bearer …` header (scheme case-insensitive), or null. */
export function bearerToken(header: string | readonly string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string') return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(value);
  return match?.[1] ?? null;
}

/** What a request may do: `open` when no tokens are configured (loopback only, enforced by the config). */
export type Access = 'open' | ApiRole | 'ingest';

export class TokenSet<R extends string> {
  private readonly entries: readonly { readonly digest: Buffer; readonly role: R; readonly name: string }[];

  constructor(tokens: readonly { readonly token: string; readonly role: R; readonly name?: string }[]) {
    this.entries = tokens.map(({ token, role, name }) => ({ digest: digest(token), role, name: name ?? '' }));
  }

  /** No tokens configured: everything is allowed. */
  get open(): boolean {
    return this.entries.length === 0;
  }

  /** The role of the header's token, or null when it carries none or an unknown one. */
  match(header: string | readonly string[] | undefined): { readonly role: R; readonly name: string } | null {
    const token = bearerToken(header);
    if (token === null) return null;
    const presented = digest(token);
    let found: { role: R; name: string } | null = null;
    // No early exit: the time taken does not depend on which entry matched.
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, presented) && found === null)
        found = { role: entry.role, name: entry.name };
    }
    return found;
  }
}

export function apiTokenSet(tokens: readonly ApiToken[]): TokenSet<ApiRole> {
  return new TokenSet(tokens);
}

export function ingestTokenSet(tokens: readonly string[]): TokenSet<'ingest'> {
  return new TokenSet(tokens.map((token) => ({ token, role: 'ingest' as const })));
}

/** Does `role` allow a route that needs `required`? admin ⊇ read. */
export function roleAllows(role: ApiRole, required: ApiRole): boolean {
  return role === 'admin' || required === 'read';
}
