import { randomUUID } from 'node:crypto';
import type { DeclineReason, Money } from '@shop/contracts';
import { autocommit, isUniqueViolation, type Tx, transaction } from '@shop/kit';
import { type DataSource, LessThanOrEqual } from 'typeorm';
import type {
  AuthorizeResult,
  CaptureResult,
  Clock,
  GatewayRefundResult,
  PaymentGateway,
  TokenizeResult,
  VoidResult,
} from '../../application/ports';
import {
  type CardBrand,
  type CardDetails,
  type CardSummary,
  cardDigits,
  cardProblems,
  isExpired,
  summarizeCard,
} from '../../domain/card';
import {
  type CardBehaviour,
  GatewayChargeEntity,
  type GatewayChargeRow,
  GatewayPaymentMethodEntity,
  type GatewayPaymentMethodRow,
  GatewayRefundEntity,
} from './entities';

/**
 * The usual test cards (CONTRACT.md), plus two more from the same family for the other declines. Any other
 * number that passes the Luhn check is approved.
 */
export const testCardBehaviours: Readonly<Record<string, CardBehaviour>> = {
  '4242424242424242': 'approve',
  '4000000000000002': 'card-declined',
  '4000000000009995': 'insufficient-funds',
  '4000000000000069': 'expired-card',
  '4000000000000119': 'processing-error',
};

export interface SimulatedCardGatewayOptions {
  /** The gateway's own database: its writes commit on their own, as a real provider's do. */
  dataSource: DataSource;
  clock: Clock;
  /** A vaulted card's token is refused this long after it was issued. */
  paymentMethodTtlSeconds: number;
}

/**
 * A card gateway in process, standing in for a real provider behind the PaymentGateway port: a vault of
 * tokens (never the card number or CVC), authorizations with their captures, voids and refunds, each
 * idempotent under concurrency through a unique key in its own database.
 */
export class SimulatedCardGateway implements PaymentGateway {
  private readonly dataSource: DataSource;
  private readonly clock: Clock;
  private readonly paymentMethodTtlMs: number;

  constructor(options: SimulatedCardGatewayOptions) {
    this.dataSource = options.dataSource;
    this.clock = options.clock;
    this.paymentMethodTtlMs = options.paymentMethodTtlSeconds * 1000;
  }

  async tokenize(card: CardDetails): Promise<TokenizeResult> {
    const now = this.clock.now();
    const problems = cardProblems(card, now);
    if (problems.length > 0) return { ok: false, problems };
    const summary = summarizeCard(card);
    const row: GatewayPaymentMethodRow = {
      id: randomUUID(),
      ...summary,
      behaviour: testCardBehaviours[cardDigits(card.cardNumber)] ?? 'approve',
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.paymentMethodTtlMs),
    };
    await autocommit(this.dataSource, (manager) => manager.insert(GatewayPaymentMethodEntity, row));
    return { ok: true, card: { paymentMethodId: row.id, ...summary, expiresAt: row.expiresAt } };
  }

  async describe(paymentMethodId: string): Promise<CardSummary | null> {
    const row = await autocommit(this.dataSource, (manager) =>
      manager.findOneBy(GatewayPaymentMethodEntity, { id: paymentMethodId }),
    );
    return row && row.expiresAt.getTime() > this.clock.now().getTime() ? summaryOf(row) : null;
  }

  authorize(request: { idempotencyKey: string; paymentMethodId: string; amount: Money }): Promise<AuthorizeResult> {
    const { idempotencyKey, paymentMethodId, amount } = request;
    // Its one write is the keyed INSERT: no transaction needed around the lookups (one per order saved).
    return this.once(() =>
      autocommit(this.dataSource, async (manager) => {
        const existing = await manager.findOneBy(GatewayChargeEntity, { idempotencyKey });
        if (existing) {
          if (existing.amount !== amount.amount || existing.currency !== amount.currency) {
            throw new Error(`authorization key ${idempotencyKey} was used for another amount`);
          }
          return authorizationOutcome(existing);
        }
        const now = this.clock.now();
        const method = await manager.findOneBy(GatewayPaymentMethodEntity, { id: paymentMethodId });
        const row: GatewayChargeRow = {
          id: randomUUID(),
          idempotencyKey,
          paymentMethodId,
          brand: method?.brand ?? null,
          last4: method?.last4 ?? null,
          amount: amount.amount,
          currency: amount.currency,
          status: 'authorized',
          declineReason: null,
          refundedAmount: 0,
          createdAt: now,
          updatedAt: now,
        };
        // A decline is recorded too, so that a retry under the same key answers the same decline.
        const decline = declineOf(method, now);
        if (decline) Object.assign(row, { status: 'declined', declineReason: decline });
        await manager.insert(GatewayChargeEntity, row);
        return authorizationOutcome(row);
      }),
    );
  }

  capture(request: { authorizationId: string; amount: Money }): Promise<CaptureResult> {
    const { authorizationId, amount } = request;
    return autocommit(this.dataSource, async (manager): Promise<CaptureResult> => {
      // Captures are of the whole authorization (partial captures are not part of the simulation), so the usual
      // capture is one conditional UPDATE; only when it takes nothing is the charge read to tell why.
      const moved = await manager
        .createQueryBuilder()
        .update(GatewayChargeEntity)
        .set({ status: 'captured', updatedAt: this.clock.now() })
        .where('id = :id AND status = :from AND amount = :amount AND currency = :currency', {
          id: authorizationId,
          from: 'authorized',
          amount: amount.amount,
          currency: amount.currency,
        })
        .execute();
      if (moved.affected === 1) return { ok: true, captureId: authorizationId };
      const charge = await manager.findOneBy(GatewayChargeEntity, { id: authorizationId });
      const sameAmount = charge?.amount === amount.amount && charge.currency === amount.currency;
      if (charge && sameAmount && charge.status === 'captured') return { ok: true, captureId: charge.id };
      return { ok: false, reason: 'not-capturable' };
    });
  }

  void(request: { idempotencyKey: string }): Promise<VoidResult> {
    return transaction(this.dataSource, async (tx): Promise<VoidResult> => {
      const charge = await tx.manager.findOneBy(GatewayChargeEntity, { idempotencyKey: request.idempotencyKey });
      if (!charge) return { ok: true };
      if (charge.status === 'authorized') await moveCharge(tx, charge.id, 'authorized', 'voided', this.clock.now());
      const current = await tx.manager.findOneByOrFail(GatewayChargeEntity, { id: charge.id });
      if (current.status === 'captured') {
        return { ok: false, reason: 'captured', authorizationId: current.id, captureId: current.id };
      }
      return { ok: true };
    });
  }

  refund(request: { idempotencyKey: string; captureId: string; amount: Money }): Promise<GatewayRefundResult> {
    const { idempotencyKey, captureId, amount } = request;
    return this.once(() =>
      transaction(this.dataSource, async (tx): Promise<GatewayRefundResult> => {
        const existing = await tx.manager.findOneBy(GatewayRefundEntity, { idempotencyKey });
        if (existing) {
          const same = existing.chargeId === captureId && existing.amount === amount.amount;
          return same ? { ok: true, gatewayRefundId: existing.id } : { ok: false, reason: 'idempotency-key-reused' };
        }
        const charge = await tx.manager.findOneBy(GatewayChargeEntity, { id: captureId });
        if (charge?.status !== 'captured') return { ok: false, reason: 'not-captured' };
        if (charge.currency !== amount.currency) return { ok: false, reason: 'currency-mismatch' };
        const now = this.clock.now();
        const result = await tx.manager
          .createQueryBuilder()
          .update(GatewayChargeEntity)
          .set({ refundedAmount: () => 'refunded_amount + :refund', updatedAt: now })
          .where("id = :id AND status = 'captured' AND refunded_amount + :refund <= amount", { id: captureId })
          .setParameter('refund', amount.amount)
          .execute();
        if (result.affected !== 1) return { ok: false, reason: 'exceeds-captured' };
        const id = randomUUID();
        await tx.manager.insert(GatewayRefundEntity, {
          id,
          idempotencyKey,
          chargeId: captureId,
          amount: amount.amount,
          currency: amount.currency,
          createdAt: now,
        });
        return { ok: true, gatewayRefundId: id };
      }),
    );
  }

  /** Forgets the tokens that expired: the vault keeps a card no longer than its token lives. */
  async purgeExpiredPaymentMethods(): Promise<number> {
    const now = this.clock.now();
    const result = await transaction(this.dataSource, (tx) =>
      tx.manager.delete(GatewayPaymentMethodEntity, { expiresAt: LessThanOrEqual(now) }),
    );
    return result.affected ?? 0;
  }

  /**
   * Runs a keyed write; when a concurrent request with the same key committed first (our INSERT hit the unique
   * index, which on PostgreSQL also aborted the transaction), runs it again to find that request's outcome.
   */
  private async once<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return run();
    }
  }
}

function summaryOf(row: GatewayPaymentMethodRow): CardSummary {
  return { brand: row.brand as CardBrand, last4: row.last4, expMonth: row.expMonth, expYear: row.expYear };
}

function declineOf(method: GatewayPaymentMethodRow | null, now: Date): DeclineReason | null {
  if (!method || method.expiresAt.getTime() <= now.getTime()) return 'payment-method-expired';
  if (method.behaviour === 'expired-card' || isExpired(method, now)) return 'expired-card';
  if (method.behaviour === 'approve') return null;
  return method.behaviour as DeclineReason;
}

function authorizationOutcome(charge: GatewayChargeRow): AuthorizeResult {
  if (charge.status === 'declined') {
    return { ok: false, reason: (charge.declineReason ?? 'processing-error') as DeclineReason };
  }
  return {
    ok: true,
    authorizationId: charge.id,
    card: { brand: (charge.brand ?? 'unknown') as CardBrand, last4: charge.last4 ?? '' },
  };
}

async function moveCharge(tx: Tx, id: string, from: string, to: string, at: Date): Promise<boolean> {
  const result = await tx.manager
    .createQueryBuilder()
    .update(GatewayChargeEntity)
    .set({ status: to, updatedAt: at })
    .where('id = :id AND status = :from', { id, from })
    .execute();
  return result.affected === 1;
}
