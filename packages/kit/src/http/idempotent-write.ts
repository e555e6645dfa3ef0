import type { Context } from 'koa';
import type { DataSource } from 'typeorm';
import { hashRequest, runIdempotent, type StoredResponse } from '../data/idempotency';
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
  const key = ctx.get(idempotencyKeyHeader);
  const respond = (response: StoredResponse) => {
    ctx.status = response.status;
    ctx.body = response.body;
  };
  if (!key) {
    respond(await transaction(dataSource, work));
    return;
  }
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
  const requestHash = hashRequest({ method: ctx.method, path: ctx.path, body: ctx.request.body ?? null });
  const outcome = await runIdempotent(dataSource, { scope, key, requestHash }, work);
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
  respond(outcome.response);
}
