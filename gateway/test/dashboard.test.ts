import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { FastifyInstance } from 'fastify';

/** The gateway serves the built dashboard at / (gateway/src/dashboard.ts), and says so when it is not built. */

const temp = mkdtempSync(join(tmpdir(), 'sysray-dash-'));
const built = join(temp, 'dist');
let app: FastifyInstance;
let bare: FastifyInstance;

beforeAll(async () => {
  mkdirSync(join(built, 'assets'), { recursive: true });
  writeFileSync(join(built, 'index.html'), '<!doctype html><title>Sysray</title><div id="app"></div>');
  writeFileSync(join(built, 'assets', 'index-abc123.js'), 'console.log(1);');
  writeFileSync(join(temp, 'secret.txt'), 'not for you');
  const config = { store: { maintenanceIntervalMs: 0 } };
  app = buildApp({ config: { ...config, dataDir: join(temp, 'a') }, dashboardDir: built });
  bare = buildApp({ config: { ...config, dataDir: join(temp, 'b') }, dashboardDir: join(temp, 'missing') });
  await Promise.all([app.ready(), bare.ready()]);
});

afterAll(async () => {
  await app?.close();
  await bare?.close();
  rmSync(temp, { recursive: true, force: true });
});

describe('dashboard assets', () => {
  it('serves index.html at / without a token', async () => {
    const response = await app.inject({ url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('<div id="app">');
  });

  it('serves hashed assets with a long cache lifetime and the right type', async () => {
    const response = await app.inject({ url: '/assets/index-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.headers['cache-control']).toContain('immutable');
    expect(response.body).toBe('console.log(1);');
  });

  it('answers 404 for unknown assets and for paths leaving the assets folder', async () => {
    expect((await app.inject({ url: '/assets/nope.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/assets/../../secret.txt' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/assets/..%2F..%2Fsecret.txt' })).statusCode).toBe(404);
  });

  it('answers 503 "dashboard not built" when dist is missing, and the API still works', async () => {
    const response = await bare.inject({ url: '/' });
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('dashboard not built');
    expect((await bare.inject({ url: '/api/v1/hosts' })).statusCode).toBe(200);
  });

  it('keeps the dashboard routes out of the OpenAPI document', async () => {
    const doc = (await app.inject({ url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).not.toContain('/');
    expect(Object.keys(doc.paths).some((path) => path.startsWith('/assets'))).toBe(false);
  });
});
