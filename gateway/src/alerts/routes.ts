import type { FastifyInstance } from 'fastify';
import { formatRuleError, validateMatchers } from '@sysray/proto';
import type { GatewayCore } from '../core.js';
import { GatewayError } from '../errors.js';
import { errorResponses } from '../api/schemas.js';
import { parseTimeMs } from '../api/time.js';
import { parseRuleYaml } from './rule-file.js';
import type { AlertService } from './service.js';

/** The alerting API under /api/v1: alerts, history, rules, silences (docs/alerts.md). */

const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

const ALERT_SCHEMA = {
  type: 'object',
  required: [
    'fingerprint',
    'rule',
    'severity',
    'hostId',
    'state',
    'labels',
    'annotations',
    'value',
    'activeSinceMs',
    'firedAtMs',
    'resolvedAtMs',
    'flapping',
    'mutedBy',
  ],
  properties: {
    fingerprint: { type: 'string' },
    rule: { type: 'string' },
    severity: { type: 'string', enum: ['info', 'warning', 'critical'] },
    hostId: { type: 'string' },
    state: { type: 'string', enum: ['pending', 'firing', 'resolved'] },
    labels: stringMap,
    annotations: stringMap,
    value: {
      type: 'number',
      nullable: true,
      description: 'Deciding value in the condition unit (forecast: seconds to the limit).',
    },
    activeSinceMs: { type: 'integer', description: 'Unix epoch milliseconds.' },
    firedAtMs: { type: 'integer', nullable: true },
    resolvedAtMs: { type: 'integer', nullable: true },
    flapping: { type: 'boolean' },
    mutedBy: { type: 'array', items: { type: 'string' }, description: 'Silence ids and quiet:<name>.' },
  },
} as const;

const RULE_ERROR_SCHEMA = {
  type: 'object',
  required: ['rule', 'line', 'path', 'message'],
  properties: {
    rule: { type: 'string', nullable: true },
    line: { type: 'integer', nullable: true, description: '1-based line in the YAML.' },
    path: { type: 'string' },
    message: { type: 'string' },
  },
} as const;

const MATCHER_SCHEMA = {
  type: 'object',
  required: ['name', 'value'],
  properties: {
    name: { type: 'string', minLength: 1 },
    value: { type: 'string' },
    isRegex: { type: 'boolean', default: false },
    isEqual: { type: 'boolean', default: true },
  },
} as const;

const SILENCE_SCHEMA = {
  type: 'object',
  required: [
    'id',
    'matchers',
    'startsAtMs',
    'endsAtMs',
    'comment',
    'createdBy',
    'createdAtMs',
    'expiredAtMs',
    'active',
  ],
  properties: {
    id: { type: 'string' },
    matchers: { type: 'array', items: MATCHER_SCHEMA },
    startsAtMs: { type: 'integer' },
    endsAtMs: { type: 'integer' },
    comment: { type: 'string' },
    createdBy: { type: 'string' },
    createdAtMs: { type: 'integer' },
    expiredAtMs: { type: 'integer', nullable: true },
    active: { type: 'boolean' },
  },
} as const;

function service(core: GatewayCore): AlertService {
  if (core.alerts === null)
    throw new GatewayError('SYSRAY_ERR_UNAVAILABLE', 'alerting is disabled (alerts.enabled: false)');
  return core.alerts;
}

export function registerAlertRoutes(app: FastifyInstance, core: GatewayCore): void {
  app.addContentTypeParser(
    ['application/yaml', 'application/x-yaml', 'text/yaml'],
    { parseAs: 'string' },
    (_r, body, done) => done(null, body),
  );

  app.get(
    '/api/v1/alerts',
    {
      schema: {
        summary: 'Active alerts',
        description: 'Pending and firing alerts, firing first, then by severity.',
        tags: ['alerts'],
        response: {
          200: {
            description: 'Active alerts.',
            type: 'object',
            required: ['alerts', 'generatedAtMs'],
            properties: {
              alerts: { type: 'array', items: ALERT_SCHEMA },
              generatedAtMs: { type: 'integer' },
            },
          },
          ...errorResponses({ 503: 'Alerting disabled (SYSRAY_ERR_UNAVAILABLE).' }),
        },
      },
    },
    async () => {
      const now = core.nowMs();
      const rank = { critical: 0, warning: 1, info: 2 } as const;
      const alerts = service(core)
        .engine.active(now)
        .sort(
          (a, b) =>
            (a.state === b.state ? 0 : a.state === 'firing' ? -1 : 1) || rank[a.severity] - rank[b.severity],
        );
      return { alerts, generatedAtMs: now };
    },
  );

  app.get<{ Querystring: { from?: string; to?: string; host?: string; rule?: string; limit?: number } }>(
    '/api/v1/alerts/history',
    {
      schema: {
        summary: 'Alert history',
        description:
          'State changes (pending, firing, resolved, inactive), newest first. `from`/`to` as in series queries.',
        tags: ['alerts'],
        querystring: {
          type: 'object',
          properties: {
            from: { type: 'string' },
            to: { type: 'string' },
            host: { type: 'string' },
            rule: { type: 'string' },
            limit: { type: 'integer', minimum: 1, maximum: 10_000, default: 500 },
          },
        },
        response: {
          200: {
            description: 'History entries.',
            type: 'object',
            required: ['entries'],
            properties: {
              entries: {
                type: 'array',
                items: {
                  type: 'object',
                  required: [
                    'id',
                    'atMs',
                    'fingerprint',
                    'rule',
                    'hostId',
                    'severity',
                    'previous',
                    'current',
                    'value',
                    'labels',
                    'annotations',
                    'notified',
                  ],
                  properties: {
                    id: { type: 'integer' },
                    atMs: { type: 'integer' },
                    fingerprint: { type: 'string' },
                    rule: { type: 'string' },
                    hostId: { type: 'string' },
                    severity: { type: 'string' },
                    previous: { type: 'string' },
                    current: { type: 'string' },
                    value: { type: 'number', nullable: true },
                    labels: stringMap,
                    annotations: stringMap,
                    notified: { type: 'boolean' },
                  },
                },
              },
            },
          },
          ...errorResponses({
            400: 'Bad time (SYSRAY_ERR_BAD_REQUEST).',
            503: 'Alerting disabled (SYSRAY_ERR_UNAVAILABLE).',
          }),
        },
      },
    },
    async (request) => {
      const now = core.nowMs();
      const time = (value: string | undefined, name: string): number | undefined => {
        if (value === undefined) return undefined;
        const ms = parseTimeMs(value, now);
        if (ms === null)
          throw new GatewayError(
            'SYSRAY_ERR_BAD_REQUEST',
            `${name}=${value}: not epoch milliseconds, ISO 8601 or now-<duration>`,
          );
        return ms;
      };
      const { host, rule, limit } = request.query;
      return {
        entries: service(core).history.history({
          fromMs: time(request.query.from, 'from'),
          toMs: time(request.query.to, 'to'),
          ...(host !== undefined ? { hostId: host } : {}),
          ...(rule !== undefined ? { rule } : {}),
          limit: limit ?? 500,
        }),
      };
    },
  );

  app.get(
    '/api/v1/rules',
    {
      schema: {
        summary: 'Rules in force',
        tags: ['alerts'],
        response: {
          200: {
            description: 'The rules (as validated) and quiet hours.',
            type: 'object',
            required: ['rules', 'quietHours'],
            properties: {
              rules: { type: 'array', items: { type: 'object', additionalProperties: true } },
              quietHours: { type: 'array', items: { type: 'object', additionalProperties: true } },
            },
          },
          ...errorResponses({ 503: 'Alerting disabled (SYSRAY_ERR_UNAVAILABLE).' }),
        },
      },
    },
    async (_request, reply) => reply.serializer(JSON.stringify).send(service(core).engine.rules),
  );

  app.post<{ Body: string }>(
    '/api/v1/rules/validate',
    {
      bodyLimit: 1024 * 1024,
      schema: {
        summary: 'Validate a rule file',
        description:
          'Body: the YAML text (text/plain or application/yaml). Answers every error with its rule and line; changes nothing.',
        tags: ['alerts'],
        body: { type: 'string' },
        response: {
          200: {
            description: 'Validation result.',
            type: 'object',
            required: ['valid', 'rules', 'errors'],
            properties: {
              valid: { type: 'boolean' },
              rules: { type: 'integer' },
              errors: { type: 'array', items: RULE_ERROR_SCHEMA },
            },
          },
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const parsed = parseRuleYaml(typeof request.body === 'string' ? request.body : '');
      return {
        valid: parsed.ruleSet !== null,
        rules: parsed.ruleSet?.rules.length ?? 0,
        errors: parsed.errors,
      };
    },
  );

  app.post(
    '/api/v1/rules/reload',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'Reload the rule file',
        description:
          'Re-reads alerts.rulesFile; a bad file is refused (400 with the errors) and the previous rules stay in force.',
        tags: ['alerts'],
        response: {
          200: {
            description: 'Reloaded.',
            type: 'object',
            required: ['ok', 'rules', 'errors'],
            properties: {
              ok: { type: 'boolean' },
              rules: { type: 'integer' },
              errors: { type: 'array', items: RULE_ERROR_SCHEMA },
            },
          },
          ...errorResponses({
            400: 'The file has errors (SYSRAY_ERR_BAD_REQUEST); the previous rules stay.',
            503: 'Alerting disabled (SYSRAY_ERR_UNAVAILABLE).',
          }),
        },
      },
    },
    async () => {
      const result = service(core).reload();
      if (!result.ok) {
        throw new GatewayError(
          'SYSRAY_ERR_BAD_REQUEST',
          `rules not reloaded, the previous ${result.rules} stay in force: ${result.errors.map(formatRuleError).join('; ')}`,
        );
      }
      return result;
    },
  );

  const silenceView = (s: ReturnType<AlertService['history']['silences']>[number]) => {
    const now = core.nowMs();
    return { ...s, active: s.startsAtMs <= now && now < s.endsAtMs };
  };

  app.get(
    '/api/v1/silences',
    {
      schema: {
        summary: 'Silences',
        tags: ['alerts'],
        response: {
          200: {
            description: 'Every silence, newest first.',
            type: 'object',
            required: ['silences'],
            properties: { silences: { type: 'array', items: SILENCE_SCHEMA } },
          },
          ...errorResponses({ 503: 'Alerting disabled (SYSRAY_ERR_UNAVAILABLE).' }),
        },
      },
    },
    async () => ({ silences: service(core).history.silences().map(silenceView) }),
  );

  app.post<{
    Body: { matchers: unknown[]; startsAt?: string; endsAt: string; comment?: string; createdBy?: string };
  }>(
    '/api/v1/silences',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'Create a silence',
        description:
          'Mutes notifications of alerts whose labels match every matcher, from startsAt (default now) to endsAt (times as in series queries).',
        tags: ['alerts'],
        body: {
          type: 'object',
          required: ['matchers', 'endsAt'],
          additionalProperties: false,
          properties: {
            matchers: { type: 'array', minItems: 1, items: MATCHER_SCHEMA },
            startsAt: { type: 'string' },
            endsAt: { type: 'string' },
            comment: { type: 'string', default: '' },
            createdBy: { type: 'string', default: '' },
          },
        },
        response: {
          201: SILENCE_SCHEMA,
          ...errorResponses({
            400: 'Bad matchers or times (SYSRAY_ERR_BAD_REQUEST).',
            503: 'Alerting disabled (SYSRAY_ERR_UNAVAILABLE).',
          }),
        },
      },
    },
    async (request, reply) => {
      const now = core.nowMs();
      const body = request.body;
      const { matchers, errors } = validateMatchers(body.matchers);
      if (errors.length > 0) throw new GatewayError('SYSRAY_ERR_BAD_REQUEST', errors.join('; '));
      const startsAtMs = body.startsAt === undefined ? now : parseTimeMs(body.startsAt, now);
      const endsAtMs = parseTimeMs(body.endsAt, now);
      if (startsAtMs === null || endsAtMs === null)
        throw new GatewayError(
          'SYSRAY_ERR_BAD_REQUEST',
          'startsAt/endsAt: not epoch milliseconds, ISO 8601 or now[+-]<duration>',
        );
      if (endsAtMs <= startsAtMs)
        throw new GatewayError('SYSRAY_ERR_BAD_REQUEST', 'endsAt must be after startsAt');
      const silence = service(core).addSilence({
        matchers,
        startsAtMs,
        endsAtMs,
        comment: body.comment ?? '',
        createdBy: body.createdBy ?? '',
      });
      return reply.code(201).send(silenceView(silence));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/silences/:id',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'Expire a silence',
        tags: ['alerts'],
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } } },
        response: {
          200: {
            description: 'Expired.',
            type: 'object',
            required: ['id', 'expired'],
            properties: { id: { type: 'string' }, expired: { type: 'boolean' } },
          },
          ...errorResponses({
            404: 'No such silence (SYSRAY_ERR_NOT_FOUND).',
            503: 'Alerting disabled (SYSRAY_ERR_UNAVAILABLE).',
          }),
        },
      },
    },
    async (request) => {
      if (!service(core).expireSilence(request.params.id))
        throw new GatewayError('SYSRAY_ERR_NOT_FOUND', `no silence ${request.params.id}`);
      return { id: request.params.id, expired: true };
    },
  );
}
