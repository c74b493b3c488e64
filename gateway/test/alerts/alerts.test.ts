import { createServer, type IncomingMessage } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alertmanagerAvailable,
  startAlertmanager,
  type AlertmanagerHandle,
} from '../../../test/helpers/alertmanager.js';
import { parseRuleYaml } from '../../src/alerts/rule-file.js';
import { signBody } from '../../src/alerts/notifiers.js';
import type { GatewayConfigInput } from '../../src/config.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';

const RULES = `rules:
  - name: DiskFull
    severity: critical
    metric: system.filesystem.utilization
    condition: { type: threshold, op: ">", value: 0.9 }
    annotations: { summary: "{{labels.mount}} at {{value}} on {{host}}" }
`;

function rulesFile(text = RULES): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sysray-rules-')), 'rules.yaml');
  writeFileSync(file, text);
  return file;
}

function report(t: TestApp, value: number): void {
  t.app.gateway.store.append({
    hostId: 'host-a',
    resource: { 'host.name': 'web-01' },
    receivedAtMs: t.clock.ms,
    points: [
      {
        metric: 'system.filesystem.utilization',
        unit: '1',
        kind: 'gauge',
        attributes: { mount: '/var' },
        timestampMs: t.clock.ms,
        value,
      },
    ],
  });
}

function appWith(alerts: GatewayConfigInput['alerts']): TestApp {
  return makeTestApp({ alerts: { defaultPack: false, rulesFile: rulesFile(), ...alerts } });
}

describe('rule files', () => {
  it('errors name the rule and the line', () => {
    const { ruleSet, errors } = parseRuleYaml(
      'rules:\n  - name: Ok\n    metric: m\n    condition: {type: threshold, op: ">", value: 1}\n  - name: Bad\n    metric: m\n    condition:\n      type: threshold\n      op: "=="\n      value: 1\n',
    );
    expect(ruleSet).toBeNull();
    expect(errors).toEqual([
      { rule: 'Bad', line: 9, path: 'rules[1].condition.op', message: 'must be one of >, >=, <, <=' },
    ]);
    expect(parseRuleYaml('rules: [\n').errors[0]!.line).toBeGreaterThanOrEqual(1);
  });
  it('the default pack validates', () => {
    const { DEFAULT_PACK_YAML } = require_();
    const parsed = parseRuleYaml(DEFAULT_PACK_YAML);
    expect(parsed.errors).toEqual([]);
    expect(parsed.ruleSet!.rules.length).toBeGreaterThanOrEqual(19);
  });
});

import * as proto from '@sysray/proto';
function require_(): typeof proto {
  return proto;
}

describe('API', () => {
  let t: TestApp;
  beforeAll(() => {
    t = appWith({});
  });
  afterAll(() => t.close());

  it('lists active alerts, history, rules; validates; silences', async () => {
    report(t, 0.95);
    t.app.gateway.alerts!.evaluate();
    const alerts = (await t.app.inject('/api/v1/alerts')).json();
    expect(alerts.alerts).toHaveLength(1);
    expect(alerts.alerts[0]).toMatchObject({
      rule: 'DiskFull',
      state: 'firing',
      hostId: 'host-a',
      annotations: { summary: '/var at 0.95 on host-a' },
    });
    const history = (await t.app.inject('/api/v1/alerts/history')).json();
    expect(history.entries[0]).toMatchObject({
      rule: 'DiskFull',
      previous: 'inactive',
      current: 'firing',
      notified: true,
    });
    expect((await t.app.inject('/api/v1/rules')).json().rules[0].name).toBe('DiskFull');
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/rules/validate',
      headers: { 'content-type': 'text/plain' },
      payload: 'rules:\n  - name: X\n    metric: m\n    condition: {type: nope}\n',
    });
    expect(bad.json()).toMatchObject({
      valid: false,
      errors: [{ rule: 'X', line: 4, path: 'rules[0].condition.type' }],
    });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/silences',
      payload: {
        matchers: [{ name: 'alertname', value: 'DiskFull' }],
        endsAt: 'now+1h',
        comment: 'maintenance',
        createdBy: 'ops',
      },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    expect((await t.app.inject('/api/v1/silences')).json().silences[0]).toMatchObject({
      id,
      active: true,
      comment: 'maintenance',
    });
    expect((await t.app.inject('/api/v1/alerts')).json().alerts[0].mutedBy).toEqual([id]);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/silences/${id}` })).json()).toEqual({
      id,
      expired: true,
    });
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/silences/nope' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/rules/reload' })).json()).toMatchObject({
      ok: true,
      rules: 1,
    });
    expect((await t.app.inject('/metrics')).body).toContain('sysray_gateway_alerts_active 1');
  });

  it('a bad rule file on reload is refused and the previous rules stay', async () => {
    writeFileSync(
      t.app.gateway.config.alerts.rulesFile!,
      'rules:\n  - name: Broken\n    condition: {type: threshold}\n',
    );
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/rules/reload' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain('rule Broken, line 3');
    expect(t.app.gateway.alerts!.engine.rules.rules.map((r) => r.name)).toEqual(['DiskFull']);
  });
});

describe('webhook notifier', () => {
  it('signs the body with HMAC-SHA256; a silence stops delivery; retries after a failure', async () => {
    const received: { body: string; signature: string | undefined }[] = [];
    let failNext = 1;
    const server = createServer((request: IncomingMessage, response) => {
      let body = '';
      request.on('data', (c: Buffer) => (body += c.toString()));
      request.on('end', () => {
        if (failNext-- > 0) return response.writeHead(503).end();
        received.push({ body, signature: request.headers['x-sysray-signature'] as string | undefined });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const t = appWith({
      notifiers: [
        {
          name: 'hook',
          type: 'webhook',
          url: `http://127.0.0.1:${port}/`,
          secret: 's3cret',
          initialBackoffMs: 10,
        },
      ],
    });
    try {
      const alerts = t.app.gateway.alerts!;
      report(t, 0.95);
      alerts.evaluate();
      await alerts.queues[0]!.drain();
      expect(received).toHaveLength(1);
      expect(received[0]!.signature).toBe(signBody('s3cret', received[0]!.body));
      expect(JSON.parse(received[0]!.body)).toMatchObject({ status: 'firing', alert: { rule: 'DiskFull' } });
      expect(alerts.queues[0]!.counts).toMatchObject({ delivered: 1, retried: 1 });
      expect(alerts.metricsText()).toContain(
        'sysray_gateway_alert_deliveries_total{notifier="hook",outcome="delivered"} 1',
      );
      // Resolve, then fire again under a silence: nothing is delivered for the silenced firing.
      t.clock.advance(15_000);
      report(t, 0.5);
      alerts.evaluate();
      await alerts.queues[0]!.drain();
      expect(JSON.parse(received[1]!.body).status).toBe('resolved');
      alerts.addSilence({
        matchers: [{ name: 'host', value: 'host-a', isRegex: false, isEqual: true }],
        startsAtMs: t.clock.ms,
        endsAtMs: t.clock.ms + 3_600_000,
        comment: '',
        createdBy: 'test',
      });
      t.clock.advance(15_000);
      report(t, 0.97);
      expect(alerts.evaluate().map((c) => [c.current, c.notify])).toEqual([['firing', false]]);
      await alerts.queues[0]!.drain();
      expect(received).toHaveLength(2);
    } finally {
      await t.close();
      server.close();
    }
  });
});

describe.runIf(alertmanagerAvailable())('Alertmanager notifier (real prometheus-alertmanager)', () => {
  let am: AlertmanagerHandle;
  beforeAll(async () => {
    am = await startAlertmanager();
  });
  afterAll(() => am?.stop());

  it('receives a firing alert and then its resolution', async () => {
    const t = appWith({
      externalUrl: 'http://gw.example:8080',
      notifiers: [{ name: 'am', type: 'alertmanager', url: am.url, initialBackoffMs: 50 }],
    });
    // Alertmanager judges endsAt against its own clock: run the gateway clock on real time here.
    t.clock.ms = Date.now();
    try {
      const alerts = t.app.gateway.alerts!;
      report(t, 0.95);
      alerts.evaluate();
      await alerts.queues[0]!.drain();
      const active = (await (await fetch(`${am.url}/api/v2/alerts?active=true`)).json()) as {
        labels: Record<string, string>;
        annotations: Record<string, string>;
        generatorURL: string;
        status: { state: string };
      }[];
      expect(active).toHaveLength(1);
      expect(active[0]!.labels).toMatchObject({
        alertname: 'DiskFull',
        host: 'host-a',
        severity: 'critical',
        mount: '/var',
      });
      expect(active[0]!.annotations.summary).toBe('/var at 0.95 on host-a');
      expect(active[0]!.generatorURL).toBe('http://gw.example:8080/hosts/host-a');
      t.clock.ms = Date.now();
      report(t, 0.2);
      alerts.evaluate();
      await alerts.queues[0]!.drain();
      await new Promise((r) => setTimeout(r, 50));
      expect(await (await fetch(`${am.url}/api/v2/alerts?active=true`)).json()).toEqual([]);
      const all = (await (
        await fetch(`${am.url}/api/v2/alerts?active=false&inhibited=false&silenced=false&unprocessed=false`)
      ).json()) as unknown[];
      expect(all).toEqual([]);
      expect(alerts.queues[0]!.counts.delivered).toBe(2);
    } finally {
      await t.close();
    }
  });
});
