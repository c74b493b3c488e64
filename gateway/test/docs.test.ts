import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderApiReference, replaceGenerated, type OpenApiDocument } from '../src/api/docs.js';
import { DEFAULT_GATEWAY_CONFIG } from '../src/config.js';
import { ERROR_CODE_NAMES } from '../src/errors.js';
import { makeTestApp, type TestApp } from './helpers/app.js';

const DOC_PATH = fileURLToPath(new URL('../../docs/gateway-api.md', import.meta.url));

let t: TestApp;
let openapi: OpenApiDocument;
beforeAll(async () => {
  // A fixed dataDir default would be machine-specific: document the relative default.
  t = makeTestApp();
  await t.app.ready();
  openapi = t.app.swagger() as unknown as OpenApiDocument;
});
afterAll(async () => {
  await t.close();
});

async function expectedDoc(current: string): Promise<string> {
  const generated = renderApiReference(openapi, DEFAULT_GATEWAY_CONFIG);
  const options = (await resolveConfig(DOC_PATH)) ?? {};
  return format(replaceGenerated(current, generated), { ...options, parser: 'markdown' });
}

describe('docs/gateway-api.md', () => {
  it('matches the OpenAPI document, the error codes and the defaults (SYSRAY_UPDATE_DOCS=1 rewrites it)', async () => {
    const current = readFileSync(DOC_PATH, 'utf8');
    const expected = await expectedDoc(current);
    if (process.env.SYSRAY_UPDATE_DOCS === '1') writeFileSync(DOC_PATH, expected);
    expect(readFileSync(DOC_PATH, 'utf8')).toBe(expected);
  });

  it('documents every error code of errors.ts', () => {
    const text = readFileSync(DOC_PATH, 'utf8');
    for (const code of ERROR_CODE_NAMES) {
      expect(text, code).toMatch(new RegExp(`\\| \`${code}\` +\\| \\d{3} +\\|`));
    }
  });

  it('documents every route and every self-metric family', async () => {
    const text = readFileSync(DOC_PATH, 'utf8');
    for (const [path, operations] of Object.entries(openapi.paths)) {
      for (const method of Object.keys(operations))
        expect(text).toContain(`### ${method.toUpperCase()} ${path}`);
    }
    expect(Object.keys(openapi.paths).sort()).toEqual([
      '/api/v1/alerts',
      '/api/v1/alerts/history',
      '/api/v1/fleet',
      '/api/v1/fleet/top',
      '/api/v1/hosts',
      '/api/v1/hosts/{id}',
      '/api/v1/hosts/{id}/series',
      '/api/v1/metrics',
      '/api/v1/openapi.json',
      '/api/v1/rules',
      '/api/v1/rules/reload',
      '/api/v1/rules/validate',
      '/api/v1/silences',
      '/api/v1/silences/{id}',
      '/api/v1/stream',
      '/healthz',
      '/metrics',
      '/readyz',
      '/v1/metrics',
    ]);
    const metrics = (await t.app.inject({ url: '/metrics' })).body;
    const families = [...metrics.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]!);
    expect(families.length).toBeGreaterThan(20);
    for (const family of families) expect(text, family).toContain(`\`${family}\``);
  });

  it('serves a well-formed OpenAPI 3.0 document', async () => {
    const response = await t.app.inject({ url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json() as OpenApiDocument & { openapi: string; info: { title: string } };
    expect(document.openapi).toBe('3.0.3');
    expect(document.info.title).toBe('Sysray gateway API');
    expect(Object.keys(document.components?.schemas ?? {})).toEqual([
      'SysrayError',
      'HostMetrics',
      'Host',
      'StatusCounts',
      'TopEntry',
      'HostMetric',
      'Series',
      'MetricDescriptor',
    ]);
    // Every $ref resolves to a component.
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (match) => match[1]!,
    );
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(document.components?.schemas?.[ref], ref).toBeDefined();
    const series = document.paths['/api/v1/hosts/{id}/series']?.get;
    expect(series?.parameters?.map((parameter) => parameter.name)).toEqual([
      'metric',
      'from',
      'to',
      'step',
      'agg',
      'id',
    ]);
  });
});
