import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import { audience, issuer, lookUpSession } from '@shop/testkit/src/jwt-fixture';
import { type Listening, listen } from '@shop/testkit/src/listen';
import Joi from 'joi';
import { createHttpApp } from '../../src/host/http-app';
import { ApiRoutes } from '../../src/http/api-routes';
import { authenticate, createJwtVerifier, requireAuth, requireRole } from '../../src/http/auth';
import type { HealthState, ReadinessCheck } from '../../src/http/health';
import { createMetricsRegistry } from '../../src/http/metrics';
import { problem } from '../../src/http/problem';
import { SessionCheck } from '../../src/http/session-check';
import { validate } from '../../src/http/validate';
import { createLogger } from '../../src/log/logger';

export interface TestApp extends Listening {
  health: HealthState;
  checks: ReadinessCheck[];
  logLines(): Array<Record<string, unknown>>;
}

/** A service app with routes exercising validation, errors and auth, served on a free port. */
export async function startTestApp(options: { jwksUri?: string; sessions?: SessionCheck } = {}): Promise<TestApp> {
  const logStream = new PassThrough();
  const lines: string[] = [];
  logStream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const log = createLogger({ name: 'test', level: 'debug', stream: logStream });
  const verifier = createJwtVerifier({
    jwksUri: options.jwksUri ?? 'http://127.0.0.1:9/jwks',
    issuer,
    audience,
    sessions: options.sessions ?? new SessionCheck({ lookup: lookUpSession }),
  });

  // Logs what it was sent; outside the authenticated router so a bearer header reaches the log call.
  const echo = new Router();
  echo.post('/log', (ctx) => {
    ctx.state.log.info({ headers: ctx.headers, body: ctx.request.body }, 'echo');
    ctx.status = 204;
  });

  const router = new Router();
  router.use(authenticate(verifier));
  router.post(
    '/widgets/:id',
    validate({
      params: Joi.object({ id: Joi.string().uuid().required() }),
      query: Joi.object({ dryRun: Joi.boolean() }),
      body: Joi.object({
        name: Joi.string().min(1).max(50).required(),
        quantity: Joi.number().integer().min(1).required(),
        tags: Joi.array().items(Joi.string().max(10)),
      }).required(),
    }),
    (ctx) => {
      ctx.body = { id: ctx.params.id, ...(ctx.request.body as object), dryRun: ctx.state.query.dryRun ?? false };
    },
  );
  router.get('/boom', () => {
    throw new Error('database password is hunter2');
  });
  router.get('/conflict', () => {
    throw problem(409, 'Stock would go below reserved', { detail: 'onHand 3 < reserved 5' });
  });
  router.get('/me', requireAuth(), (ctx) => {
    ctx.body = ctx.state.caller;
  });
  router.get('/admin', requireRole('admin'), (ctx) => {
    ctx.body = { ok: true };
  });

  // A route declared without any schema: the kit still refuses control characters in what it is sent.
  const api = new ApiRoutes();
  api.post('/notes/:slug', { summary: 'Echo', responses: { 200: { description: 'What was sent' } } }, (ctx) => {
    ctx.body = { slug: ctx.params.slug, query: ctx.query, body: ctx.request.body ?? null };
  });

  const health: HealthState = { accepting: true };
  const checks: ReadinessCheck[] = [];
  const app = createHttpApp({
    name: 'test',
    log,
    metrics: createMetricsRegistry(),
    health,
    readiness: () => checks,
    routers: [echo, router, api.router],
    jsonLimit: '1kb',
  });
  const server = await listen(app.callback());
  return Object.assign(server, {
    health,
    checks,
    logLines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  });
}
