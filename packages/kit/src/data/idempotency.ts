import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { isUniqueViolation } from './constraint-violations';
import { IdempotencyKey, type IdempotencyKeyRecord } from './kit-entities';
import { kitLimits } from './kit-migrations';
import { runTransaction, type Tx, transaction } from './unit-of-work';

/** What an HTTP write answered: replayed as is for a retry with the same key. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

export interface IdempotencyRequest {
  /** Whose keys these are and for which operation, e.g. `orders:place:customer-42`. At most 100 characters. */
  scope: string;
  /** The client's Idempotency-Key header. At most 255 characters. */
  key: string;
  /** `hashRequest(...)` of what the client sent, to tell a retry from a different request. */
  requestHash: string;
}

export type IdempotentOutcome =
  /** This request ran; its response is stored with its effect. */
  | { outcome: 'executed'; response: StoredResponse }
  /** An earlier request with this key and the same body ran; this is its response. */
  | { outcome: 'replayed'; response: StoredResponse }
  /** Answer 409: the key was used for a different request, or its first request has not finished. */
  | { outcome: 'conflict'; reason: 'different-request' | 'in-progress' };

type Step =
  | { kind: 'stored'; record: IdempotencyKeyRecord }
  | { kind: 'taken' }
  | { kind: 'ran'; response: StoredResponse };

/**
 * Runs an HTTP write once per idempotency key (Stripe's semantics). The key row is inserted first in the
 * write's own transaction and the response is stored in it before commit, so the effect and its stored
 * response commit together. A concurrent request with the same key waits on that row, then replays it.
 * A business failure returned through `tx.rollbackWith` is stored too (its effect rolled back) and replayed;
 * an exception stores nothing, so a retry runs the request again.
 */
export async function runIdempotent(
  dataSource: DataSource,
  request: IdempotencyRequest,
  work: (tx: Tx) => Promise<StoredResponse>,
): Promise<IdempotentOutcome> {
  const { scope, key, requestHash } = request;
  if (!scope || scope.length > kitLimits.idempotencyScopeLength) {
    throw new Error(`idempotency scope must be 1-${kitLimits.idempotencyScopeLength} characters`);
  }
  if (!key || key.length > kitLimits.idempotencyKeyLength) {
    throw new Error(`Idempotency-Key must be 1-${kitLimits.idempotencyKeyLength} characters`);
  }
  const outcome = await runTransaction<Step>(dataSource, async (tx) => {
    const record = await tx.manager.findOneBy(IdempotencyKey, { scope, key });
    if (record) return tx.rollbackWith({ kind: 'stored', record });
    const now = new Date();
    try {
      await tx.manager.insert(IdempotencyKey, {
        scope,
        key,
        requestHash,
        status: 'completed',
        response: '',
        createdAt: now,
        completedAt: now,
      });
    } catch (error) {
      if (isUniqueViolation(error)) return tx.rollbackWith({ kind: 'taken' });
      throw error;
    }
    const response = await work(tx);
    await tx.manager.update(IdempotencyKey, { scope, key }, { response: serialize(response), completedAt: new Date() });
    return { kind: 'ran', response };
  });

  const step = outcome.value;
  if (step.kind === 'stored') return fromRecord(step.record, requestHash);
  if (step.kind === 'taken') {
    const record = await transaction(dataSource, (tx) => tx.manager.findOneBy(IdempotencyKey, { scope, key }));
    return record ? fromRecord(record, requestHash) : { outcome: 'conflict', reason: 'in-progress' };
  }
  if (!outcome.committed) await storeRejected(dataSource, request, step.response);
  return { outcome: 'executed', response: step.response };
}

/** sha256 (hex) of the canonical JSON of a value: object keys sorted at every depth, so key order never matters. */
export function hashRequest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, item: unknown) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
      const entries = Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return Object.fromEntries(entries);
    }) ?? 'null'
  );
}

/**
 * The outcome already stored for this key, if any: lets a write that first calls other services (prices,
 * card vaulting) replay at once instead of calling them again for a retry.
 */
export async function findIdempotentOutcome(
  dataSource: DataSource,
  request: IdempotencyRequest,
): Promise<IdempotentOutcome | undefined> {
  const record = await transaction(dataSource, (tx) =>
    tx.manager.findOneBy(IdempotencyKey, { scope: request.scope, key: request.key }),
  );
  if (!record) return undefined;
  return record.response === '' && record.requestHash === request.requestHash
    ? { outcome: 'conflict', reason: 'in-progress' }
    : fromRecord(record, request.requestHash);
}

function fromRecord(record: IdempotencyKeyRecord, requestHash: string): IdempotentOutcome {
  if (record.requestHash !== requestHash) return { outcome: 'conflict', reason: 'different-request' };
  return { outcome: 'replayed', response: JSON.parse(record.response) as StoredResponse };
}

// The business transaction rolled back, key row included; the failure it answered is stored on its own.
async function storeRejected(dataSource: DataSource, request: IdempotencyRequest, response: StoredResponse) {
  const now = new Date();
  try {
    await transaction(dataSource, (tx) =>
      tx.manager.insert(IdempotencyKey, {
        ...request,
        status: 'rejected',
        response: serialize(response),
        createdAt: now,
        completedAt: now,
      }),
    );
  } catch (error) {
    // A concurrent retry got the key after our rollback and ran; its outcome is the stored one.
    if (!isUniqueViolation(error)) throw error;
  }
}

function serialize(response: StoredResponse): string {
  return JSON.stringify({ status: response.status, body: response.body ?? null });
}
