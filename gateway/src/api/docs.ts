import { status as GrpcStatus } from '@grpc/grpc-js';
import { ERROR_CODES, ERROR_CODE_NAMES } from '../errors.js';

/**
 * The reference part of docs/gateway-api.md, generated from the OpenAPI document the app serves and from
 * errors.ts, so the prose around it cannot drift from the routes: a test regenerates it and compares
 * (SYSRAY_UPDATE_DOCS=1 rewrites the file).
 */

export const GENERATED_BEGIN =
  '<!-- BEGIN GENERATED: do not edit; SYSRAY_UPDATE_DOCS=1 npx vitest run gateway/test/docs.test.ts -->';
export const GENERATED_END = '<!-- END GENERATED -->';

interface Schema {
  readonly type?: string | readonly string[];
  readonly $ref?: string;
  readonly nullable?: boolean;
  readonly enum?: readonly unknown[];
  readonly items?: Schema;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: Schema | boolean;
  readonly required?: readonly string[];
  readonly description?: string;
  readonly minimum?: number;
  readonly maximum?: number;
}

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly description?: string;
  readonly schema?: Schema;
}

interface Operation {
  readonly summary?: string;
  readonly description?: string;
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly content?: Readonly<Record<string, unknown>> };
  readonly responses?: Readonly<
    Record<
      string,
      {
        readonly description?: string;
        readonly content?: Readonly<Record<string, { readonly schema?: Schema }>>;
      }
    >
  >;
  readonly security?: readonly Readonly<Record<string, unknown>>[];
}

export interface OpenApiDocument {
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, Schema>> };
  readonly security?: readonly Readonly<Record<string, unknown>>[];
}

function refName(ref: string): string {
  return ref.replace(/^#\/components\/schemas\//, '');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A schema as a compact type: `Host[]`, `integer`, `'up' | 'stale'`, `{ hosts: Host[], … }`. */
export function typeOf(schema: Schema | undefined, depth = 0): string {
  if (schema === undefined) return 'any';
  if (schema.$ref !== undefined) return refName(schema.$ref);
  let text: string;
  if (schema.enum !== undefined) {
    text = schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  } else if (schema.type === 'array') {
    const item = typeOf(schema.items, depth + 1);
    text = item.includes(' ') && !item.startsWith('{') ? `(${item})[]` : `${item}[]`;
  } else if (schema.type === 'object' || schema.properties !== undefined) {
    if (schema.properties !== undefined && depth < 3) {
      const fields = Object.entries(schema.properties).map(
        ([name, property]) =>
          `${name}${schema.required?.includes(name) === true ? '' : '?'}: ${typeOf(property, depth + 1)}`,
      );
      text = `{ ${fields.join(', ')} }`;
    } else if (typeof schema.additionalProperties === 'object') {
      text = `{ [key]: ${typeOf(schema.additionalProperties, depth + 1)} }`;
    } else {
      text = 'object';
    }
  } else {
    const type = schema.type;
    text = typeof type === 'string' ? type : type === undefined ? 'any' : type.join(' | ');
  }
  return schema.nullable === true ? `${text} | null` : text;
}

function renderOperation(
  method: string,
  path: string,
  operation: Operation,
  document: OpenApiDocument,
): string[] {
  const lines: string[] = [`### ${method.toUpperCase()} ${path}`, ''];
  if (operation.summary !== undefined)
    lines.push(`**${operation.summary}.** ${operation.description ?? ''}`.trimEnd(), '');
  const security = operation.security ?? document.security ?? [];
  const schemes = security.flatMap((entry) => Object.keys(entry));
  lines.push(
    `Auth: ${schemes.length === 0 ? 'none' : schemes.map((scheme) => `\`${scheme}\``).join(', ')}.`,
    '',
  );
  const parameters = operation.parameters ?? [];
  if (parameters.length > 0) {
    lines.push('| parameter | in | type | required | description |', '| --- | --- | --- | --- | --- |');
    for (const parameter of parameters) {
      lines.push(
        `| \`${parameter.name}\` | ${parameter.in} | ${cell(typeOf(parameter.schema))} | ${parameter.required === true ? 'yes' : 'no'} | ${cell(parameter.description ?? parameter.schema?.description ?? '')} |`,
      );
    }
    lines.push('');
  }
  const body = operation.requestBody?.content;
  if (body !== undefined)
    lines.push(
      `Request body: ${Object.keys(body)
        .map((type) => `\`${type}\``)
        .join(', ')}.`,
      '',
    );
  lines.push('| status | body |', '| --- | --- |');
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    const content = Object.entries(response.content ?? {});
    const shape =
      content.length === 0
        ? ''
        : content.map(([type, media]) => `\`${type}\` ${typeOf(media.schema)}`).join('; ');
    lines.push(
      `| ${status} | ${cell([shape, response.description ?? ''].filter((part) => part !== '').join(' — '))} |`,
    );
  }
  lines.push('');
  return lines;
}

function renderComponent(name: string, schema: Schema): string[] {
  const lines = [`### ${name}`, ''];
  if (schema.description !== undefined) lines.push(schema.description, '');
  lines.push('| field | type | description |', '| --- | --- | --- |');
  for (const [field, property] of Object.entries(schema.properties ?? {})) {
    lines.push(`| \`${field}\` | ${cell(typeOf(property, 1))} | ${cell(property.description ?? '')} |`);
  }
  lines.push('');
  return lines;
}

function flatten(value: unknown, prefix: string, out: [string, string][]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [key, item] of Object.entries(value))
      flatten(item, prefix === '' ? key : `${prefix}.${key}`, out);
  } else {
    out.push([prefix, JSON.stringify(value)]);
  }
}

/** Every configuration key with its default, from DEFAULT_GATEWAY_CONFIG. */
export function renderConfigDefaults(defaults: unknown): string {
  const rows: [string, string][] = [];
  flatten(defaults, '', rows);
  return [
    '| key | default |',
    '| --- | --- |',
    ...rows.map(([key, value]) => `| \`${key}\` | \`${cell(value)}\` |`),
    '',
  ].join('\n');
}

/** Routes, shapes, error codes and configuration defaults in Markdown. */
export function renderApiReference(document: OpenApiDocument, configDefaults?: unknown): string {
  const lines: string[] = ['## Routes', ''];
  const paths = Object.keys(document.paths).sort();
  for (const path of paths) {
    for (const [method, operation] of Object.entries(document.paths[path] ?? {})) {
      lines.push(...renderOperation(method, path, operation, document));
    }
  }
  lines.push('## Shapes', '');
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    lines.push(...renderComponent(name, schema));
  }
  lines.push('## Error codes', '', '| code | HTTP | gRPC | meaning |', '| --- | --- | --- | --- |');
  for (const code of ERROR_CODE_NAMES) {
    const entry = ERROR_CODES[code];
    lines.push(
      `| \`${code}\` | ${entry.httpStatus} | ${GrpcStatus[entry.grpcStatus]} | ${cell(entry.description)} |`,
    );
  }
  lines.push('');
  if (configDefaults !== undefined) {
    lines.push(
      '## Configuration defaults',
      '',
      'Durations are milliseconds, sizes bytes.',
      '',
      renderConfigDefaults(configDefaults),
    );
  }
  return lines.join('\n');
}

/** `text` with the generated block replaced by `generated`; throws when the markers are missing. */
export function replaceGenerated(text: string, generated: string): string {
  const begin = text.indexOf(GENERATED_BEGIN);
  const end = text.indexOf(GENERATED_END);
  if (begin < 0 || end < begin) throw new Error('the generated-block markers are missing');
  return `${text.slice(0, begin + GENERATED_BEGIN.length)}\n\n${generated}\n${text.slice(end)}`;
}
