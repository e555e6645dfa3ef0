import Joi from 'joi';
import type { Context, Middleware } from 'koa';
import type { DeadLetterRecord } from '../data/kit-entities';
import { kitLimits } from '../data/kit-migrations';
import { ApiRoutes } from '../http/api-routes';
import type { Caller } from '../http/auth';
import { decodeTimeCursor, encodeTimeCursor } from '../http/cursor';
import { problem } from '../http/problem';
import type { DeadLetterReplayer } from './dead-letters';
import type { ServiceManifest } from './service-manifest';

/**
 * Where an operator finds a service's dead letters, through the platform's one origin in both topologies: each
 * service with a database serves its own under this prefix, and the edge, the gateway and the Ingress route the
 * prefix to it like its other public paths (routedPaths).
 */
export function deadLetterAdminPath(service: string): string {
  return `/api/admin/dead-letters/${service}`;
}

/** The path prefixes the platform's origin sends to a service: its own public paths and the kit's admin paths. */
export function routedPaths(manifest: Pick<ServiceManifest, 'name' | 'publicPaths'> & { data?: unknown }): string[] {
  return manifest.data ? [...manifest.publicPaths, deadLetterAdminPath(manifest.name)] : [...manifest.publicPaths];
}

const statuses = ['stored', 'replayed', 'discarded'] as const;

const listQuery = Joi.object({
  topic: Joi.string().max(kitLimits.topicLength),
  status: Joi.string().valid(...statuses),
  limit: Joi.number().integer().min(1).max(100).default(20),
  cursor: Joi.string().max(200),
});

const idParams = Joi.object({ id: Joi.string().guid().required() });

const deadLetter = Joi.object({
  id: Joi.string().guid().required(),
  topic: Joi.string().required(),
  eventId: Joi.string().required(),
  eventType: Joi.string().required(),
  event: Joi.object().required().description('The envelope as it was delivered: id, type, occurredAt, data'),
  error: Joi.string().allow(null).required(),
  attempts: Joi.number().integer().min(0).required(),
  deadLetteredAt: Joi.string().isoDate().required(),
  status: Joi.string()
    .valid(...statuses)
    .required(),
  resolvedAt: Joi.string().isoDate().allow(null).required(),
  resolvedBy: Joi.string().allow(null).required(),
});

const page = Joi.object({
  items: Joi.array().items(deadLetter).required(),
  nextCursor: Joi.string().allow(null).required(),
});
const replayed = Joi.object({
  deadLetter: deadLetter.required(),
  applied: Joi.boolean().required().description('false when the consumer had already applied this event (its inbox)'),
});

export function deadLetterView(record: DeadLetterRecord) {
  return {
    id: record.id,
    topic: record.topic,
    eventId: record.eventId,
    eventType: record.eventType,
    event: JSON.parse(record.payload) as unknown,
    error: record.error,
    attempts: record.attempts,
    deadLetteredAt: record.deadLetteredAt.toISOString(),
    status: record.status,
    resolvedAt: record.resolvedAt ? record.resolvedAt.toISOString() : null,
    resolvedBy: record.resolvedBy,
  };
}

/**
 * The admin endpoints over a service's dead letters: list (newest first, by topic and status), replay one (its
 * consumer handles the same event again, see DeadLetterReplayer) and discard one. Admins only.
 */
export function deadLetterAdminRoutes(
  service: string,
  replayer: DeadLetterReplayer,
  authenticate: Middleware,
): ApiRoutes {
  const base = deadLetterAdminPath(service);
  const { store } = replayer;
  const api = new ApiRoutes();
  api.use(authenticate);
  const found = async (ctx: Context): Promise<DeadLetterRecord> => {
    const record = await store.find(ctx.params.id as string);
    if (!record)
      throw problem(404, 'Dead letter not found', { detail: `${service} keeps no dead letter ${ctx.params.id}` });
    return record;
  };
  const admin = (ctx: Context) => (ctx.state.caller as Caller).id;

  api.get(
    base,
    {
      summary: `The events ${service} dead-lettered, newest first (stored, replayed and discarded unless filtered)`,
      access: 'admin',
      request: { query: listQuery },
      responses: { 200: { description: 'A page of dead letters', body: page } },
    },
    async (ctx) => {
      const query = ctx.state.query as {
        topic?: string;
        status?: DeadLetterRecord['status'];
        limit: number;
        cursor?: string;
      };
      const result = await store.list({
        limit: query.limit,
        ...(query.topic !== undefined ? { topic: query.topic } : {}),
        ...(query.status !== undefined ? { status: query.status } : {}),
        ...(query.cursor ? { after: decodeTimeCursor(query.cursor) } : {}),
      });
      ctx.body = {
        items: result.items.map(deadLetterView),
        nextCursor: result.next ? encodeTimeCursor(result.next) : null,
      };
    },
  );

  api.post(
    `${base}/:id/replay`,
    {
      summary: `Hands a dead letter to its ${service} consumer again (same event id: an event already applied is not applied twice)`,
      access: 'admin',
      request: { params: idParams },
      responses: {
        200: { description: 'Replayed: the dead letter, now replayed', body: replayed },
        404: { description: 'No such dead letter' },
        409: {
          description: 'Discarded before, or the consumer failed again (the reason is in detail; it stays stored)',
        },
      },
    },
    async (ctx) => {
      const record = await found(ctx);
      if (record.status === 'discarded')
        throw problem(409, 'Dead letter was discarded', { detail: 'A discarded dead letter is not replayed.' });
      const outcome = await replayer.replay(record, ctx.state.log);
      if (!outcome.ok) throw problem(409, 'Replay failed', { detail: outcome.detail });
      const resolved = await store.resolve(record.id, 'replayed', admin(ctx));
      if (resolved?.status !== 'replayed') throw problem(409, 'Dead letter was discarded meanwhile');
      ctx.body = { deadLetter: deadLetterView(resolved), applied: outcome.applied };
    },
  );

  api.delete(
    `${base}/:id`,
    {
      summary: `Discards a dead letter of ${service}: it stays listed as discarded and is not replayed`,
      access: 'admin',
      request: { params: idParams },
      responses: {
        200: { description: 'The dead letter, now discarded', body: deadLetter },
        404: { description: 'No such dead letter' },
        409: { description: 'Replayed before: there is nothing left to discard' },
      },
    },
    async (ctx) => {
      const record = await found(ctx);
      const resolved = await store.resolve(record.id, 'discarded', admin(ctx));
      if (resolved?.status !== 'discarded') {
        throw problem(409, 'Dead letter was replayed', {
          detail: 'A replayed dead letter has nothing left to discard.',
        });
      }
      ctx.body = deadLetterView(resolved);
    },
  );
  return api;
}
