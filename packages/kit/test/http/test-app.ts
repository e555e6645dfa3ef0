import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import { audience, issuer, lookUpSession } from '@shop/testkit/src/jwt-fixture';
import { type Listening, listen } from '@shop/testkit/src/listen';
import Joi from 'joi';
import { createHttpApp } from '../../src/host/http-app';
import { ApiRoutes } from '../../src/http/api-routes';
import { authenticate, createJwtVerifier } from '../../src/http/auth';
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

  // Routes that declare who may call them: the kit mounts the guard from the declaration.
  const api = new ApiRoutes();
  api.use(authenticate(verifier));
  api.get('/me', { summary: 'Who am I', access: 'signed in', responses: { 200: { description: 'caller' } } }, (ctx) => {
    ctx.body = ctx.state.caller;
  });
  api.get('/admin', { summary: 'Admins only', access: 'admin', responses: { 200: { description: 'ok' } } }, (ctx) => {
    ctx.body = { ok: true };
  });
  api.get(
    '/shop',
    { summary: 'Customers only', access: 'customer', responses: { 200: { description: 'ok' } } },
    (ctx) => {
      ctx.body = { ok: true };
    },
  );
  api.post(
    '/admin/widgets',
    {
      summary: 'Admins add widgets',
      access: 'admin',
      request: { body: Joi.object({ name: Joi.string().required() }) },
      responses: { 201: { description: 'added' } },
    },
    (ctx) => {
      ctx.status = 201;
    },
  );
  // A route declared without any schema: the kit still refuses control characters in what it is sent.
  api.post(
    '/notes/:slug',
    { summary: 'Echo', access: 'anyone', responses: { 200: { description: 'What was sent' } } },
    (ctx) => {
      ctx.body = { slug: ctx.params.slug, query: ctx.query, body: ctx.request.body ?? null };
    },
  );

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
