import { createHash } from 'node:crypto';
import { type DataSource, LessThan } from 'typeorm';
import type { Logger } from '../log/logger';
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

/** How long a key's record answers retries (Stripe keeps them at least 24 h); older records are as if absent. */
export const defaultIdempotencyTtlHours = 24;
const ttlMsByDataSource = new WeakMap<DataSource, number>();

/** Sets how long idempotency records on this database live (createDataSource does it from its settings). */
export function setIdempotencyTtl(dataSource: DataSource, ttlHours: number): void {
  if (!(ttlHours > 0)) throw new Error('the idempotency TTL must be a positive number of hours');
  ttlMsByDataSource.set(dataSource, ttlHours * 3_600_000);
}

/** Records created before this instant have expired. */
export function idempotencyCutoff(dataSource: DataSource, now: Date = new Date()): Date {
  return new Date(now.getTime() - (ttlMsByDataSource.get(dataSource) ?? defaultIdempotencyTtlHours * 3_600_000));
}

const isExpired = (record: IdempotencyKeyRecord, cutoff: Date) => record.createdAt.getTime() < cutoff.getTime();

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
    const now = new Date();
    const record = await tx.manager.findOneBy(IdempotencyKey, { scope, key });
    if (record && !isExpired(record, idempotencyCutoff(dataSource, now))) {
      return tx.rollbackWith({ kind: 'stored', record });
    }
    // An expired record is as if absent: the key starts over.
    if (record) await tx.manager.delete(IdempotencyKey, { scope, key });
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

/**
 * sha256 (hex) of the canonical JSON of a value (object keys sorted at every depth, so key order never matters),
 * card data left out: the stored hash is unkeyed, and a card number has so few unknown digits that its hash
 * would be reversed offline.
 */
export function hashRequest(value: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(withoutCardData(value)))
    .digest('hex');
}

const cardNumberKey = /^(cardnumber|card_number|pan)$/i;
const cardCodeKey = /^(cvc|cvv|cvc2|cvv2|securitycode|security_code)$/i;

/**
 * A copy of a request body fit for a fingerprint: every card number becomes its last four digits, every card
 * code is dropped. A retry with another card is still told apart when its last four digits or its expiry
 * differ (the expiry stays in the body); two cards alike in both are taken for the same request, which a
 * client retrying its own request never meets.
 */
export function withoutCardData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutCardData);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (cardCodeKey.test(key)) continue;
    copy[key] = cardNumberKey.test(key)
      ? `last4:${String(inner).replace(/\D/g, '').slice(-4)}`
      : withoutCardData(inner);
  }
  return copy;
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
  if (!record || isExpired(record, idempotencyCutoff(dataSource))) return undefined;
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
    await transaction(dataSource, async (tx) => {
      // The expired record the business transaction removed came back with its rollback.
      await tx.manager.delete(IdempotencyKey, {
        scope: request.scope,
        key: request.key,
        createdAt: LessThan(idempotencyCutoff(dataSource, now)),
      });
      await tx.manager.insert(IdempotencyKey, {
        ...request,
        status: 'rejected',
        response: serialize(response),
        createdAt: now,
        completedAt: now,
      });
    });
  } catch (error) {
    // A concurrent retry got the key after our rollback and ran; its outcome is the stored one.
    if (!isUniqueViolation(error)) throw error;
  }
}

function serialize(response: StoredResponse): string {
  return JSON.stringify({ status: response.status, body: response.body ?? null });
}

/** Deletes the records that have expired; returns how many. Every replica may run it: a delete is idempotent. */
export async function sweepIdempotencyKeys(dataSource: DataSource, now: Date = new Date()): Promise<number> {
  const result = await dataSource.manager.delete(IdempotencyKey, {
    createdAt: LessThan(idempotencyCutoff(dataSource, now)),
  });
  return result.affected ?? 0;
}

/** Runs sweepIdempotencyKeys every `intervalMs` in the background (start after the server listens, stop before the database closes). */
export class IdempotencySweeper {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: { log: Logger; intervalMs?: number },
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.pass = this.pass.then(() => this.sweepOnce());
    }, this.options.intervalMs ?? defaultSweepIntervalMs);
    // A pending sweep never keeps the process alive on its own.
    this.timer.unref();
  }

  /** Stops scheduling and waits for the pass in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.pass;
  }

  private async sweepOnce(): Promise<void> {
    try {
      const deleted = await sweepIdempotencyKeys(this.dataSource);
      if (deleted > 0) this.options.log.info({ deleted }, 'expired idempotency keys deleted');
    } catch (error) {
      this.options.log.error({ err: error }, 'idempotency key sweep failed; will retry');
    }
  }
}

const defaultSweepIntervalMs = 10 * 60_000;
