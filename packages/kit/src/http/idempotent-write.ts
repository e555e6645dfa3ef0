import type { Context } from 'koa';
import type { DataSource } from 'typeorm';
import {
  findIdempotentOutcome,
  hashRequest,
  type IdempotencyRequest,
  type IdempotentOutcome,
  runIdempotent,
  type StoredResponse,
} from '../data/idempotency';
import { kitLimits } from '../data/kit-migrations';
import { type Tx, transaction } from '../data/unit-of-work';
import { problem } from './problem';

export const idempotencyKeyHeader = 'Idempotency-Key';

/**
 * Answers a write that creates money or stock effects (CONTRACT.md, Conventions): with an
 * Idempotency-Key the first response is stored with its effect and replayed for the same request
 * (marked `Idempotent-Replayed: true`), and the same key with another body is 409; without one the
 * write simply runs in a transaction. `scope` keeps one caller's keys apart from another's.
 */
export async function respondIdempotently(
  ctx: Context,
  dataSource: DataSource,
  scope: string,
  work: (tx: Tx) => Promise<StoredResponse>,
): Promise<void> {
  const request = idempotencyRequest(ctx, scope);
  if (!request) {
    respond(ctx, await transaction(dataSource, work));
    return;
  }
  answer(ctx, await runIdempotent(dataSource, request, work));
}

/**
 * For a write that must call other services before its transaction: answers a retry of a key that already
 * ran (replay, or 409) and returns true; returns false when the write should go ahead (then call
 * respondIdempotently, which still settles a race between two first requests).
 */
export async function replayIdempotent(ctx: Context, dataSource: DataSource, scope: string): Promise<boolean> {
  const request = idempotencyRequest(ctx, scope);
  if (!request) return false;
  const outcome = await findIdempotentOutcome(dataSource, request);
  if (!outcome) return false;
  answer(ctx, outcome);
  return true;
}

/**
 * The request's Idempotency-Key, undefined when it sent none; 400 naming the header when it is not 1-255 visible
 * ASCII characters. For writes that keep their idempotency records elsewhere than the service's database.
 */
export function idempotencyKeyOf(ctx: Context): string | undefined {
  const key = ctx.get(idempotencyKeyHeader);
  if (!key) return undefined;
  if (key.length > kitLimits.idempotencyKeyLength || !/^[\x21-\x7e]+$/.test(key)) {
    throw problem(400, 'Invalid request', {
      errors: [
        {
          path: `headers.${idempotencyKeyHeader.toLowerCase()}`,
          message: `must be 1-${kitLimits.idempotencyKeyLength} visible ASCII characters`,
        },
      ],
    });
  }
  return key;
}

function idempotencyRequest(ctx: Context, scope: string): IdempotencyRequest | undefined {
  const key = idempotencyKeyOf(ctx);
  if (!key) return undefined;
  return {
    scope,
    key,
    requestHash: hashRequest({ method: ctx.method, path: ctx.path, body: ctx.request.body ?? null }),
  };
}

function respond(ctx: Context, response: StoredResponse): void {
  ctx.status = response.status;
  ctx.body = response.body;
}

function answer(ctx: Context, outcome: IdempotentOutcome): void {
  if (outcome.outcome === 'conflict') {
    throw outcome.reason === 'different-request'
      ? problem(409, 'Idempotency key reused', {
          detail: 'This Idempotency-Key was already used with a different request.',
        })
      : problem(409, 'Request in progress', {
          detail: 'The first request with this Idempotency-Key has not finished; retry shortly.',
          headers: { 'Retry-After': '1' },
        });
  }
  if (outcome.outcome === 'replayed') ctx.set('Idempotent-Replayed', 'true');
  respond(ctx, outcome.response);
}
