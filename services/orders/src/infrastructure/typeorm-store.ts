import type { RiskReason } from '@shop/contracts';
import { creationPage, dialectOf, type Tx, transaction } from '@shop/kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { Orders, OrdersStore, UnitOfWork } from '../application/ports';
import type { FailureReason, Order, OrderReview, OrderStatus, ReviewDecision } from '../domain/order';
import { OrderEntity, type OrderRow } from './entities';

/** The orders database behind the application's ports. */
export function typeormUnitOfWork(dataSource: DataSource): UnitOfWork {
  return (work) => transaction(dataSource, (tx) => work(storeOfTx(tx)));
}

export function storeOfTx(tx: Tx): OrdersStore {
  return { orders: ordersOf(tx.manager), outbox: (topic, event) => tx.outbox(topic, event) };
}

function toRow(order: Order): OrderRow {
  return {
    id: order.id,
    customerId: order.customerId,
    status: order.status,
    itemsJson: JSON.stringify(order.items),
    totalAmount: order.total.amount,
    currency: order.total.currency,
    shippingAddressJson: JSON.stringify(order.shippingAddress),
    paymentMethodId: order.paymentMethodId,
    cardLast4: order.cardLast4,
    failureReason: order.failureReason,
    trackingNumber: order.trackingNumber,
    riskScore: order.risk?.score ?? null,
    riskReasonsJson: order.risk ? JSON.stringify(order.risk.reasons) : null,
    ...reviewColumns(order.review),
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}

function reviewColumns(review: OrderReview | null) {
  return {
    reviewDecision: review?.decision ?? null,
    reviewNote: review?.note ?? null,
    reviewedBy: review?.reviewerId ?? null,
    reviewedAt: review?.at ?? null,
  };
}

function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    customerId: row.customerId,
    status: row.status as OrderStatus,
    items: JSON.parse(row.itemsJson) as Order['items'],
    total: { amount: Number(row.totalAmount), currency: row.currency },
    shippingAddress: JSON.parse(row.shippingAddressJson) as Order['shippingAddress'],
    paymentMethodId: row.paymentMethodId,
    cardLast4: row.cardLast4,
    failureReason: row.failureReason as FailureReason | null,
    trackingNumber: row.trackingNumber,
    risk:
      row.riskScore === null || row.riskScore === undefined
        ? null
        : { score: Number(row.riskScore), reasons: JSON.parse(row.riskReasonsJson ?? '[]') as RiskReason[] },
    review:
      row.reviewDecision && row.reviewedBy && row.reviewedAt
        ? {
            decision: row.reviewDecision as ReviewDecision,
            note: row.reviewNote,
            reviewerId: row.reviewedBy,
            at: new Date(row.reviewedAt),
          }
        : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** An orders row as PostgreSQL's RETURNING answers it: the column names, not the entity's properties. */
interface RawOrderRow {
  id: string;
  customer_id: string;
  status: string;
  items_json: string;
  total_amount: string | number;
  currency: string;
  shipping_address_json: string;
  payment_method_id: string;
  card_last4: string;
  failure_reason: string | null;
  tracking_number: string | null;
  risk_score: number | null;
  risk_reasons_json: string | null;
  review_decision: string | null;
  review_note: string | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

function rowOfRaw(raw: RawOrderRow): OrderRow {
  return {
    id: raw.id,
    customerId: raw.customer_id,
    status: raw.status,
    itemsJson: raw.items_json,
    totalAmount: Number(raw.total_amount),
    currency: raw.currency,
    shippingAddressJson: raw.shipping_address_json,
    paymentMethodId: raw.payment_method_id,
    cardLast4: raw.card_last4,
    failureReason: raw.failure_reason,
    trackingNumber: raw.tracking_number,
    riskScore: raw.risk_score,
    riskReasonsJson: raw.risk_reasons_json,
    reviewDecision: raw.review_decision,
    reviewNote: raw.review_note,
    reviewedBy: raw.reviewed_by,
    reviewedAt: raw.reviewed_at,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
  };
}

function ordersOf(manager: EntityManager): Orders {
  const repository = manager.getRepository(OrderEntity);
  return {
    async insert(order) {
      await repository.insert(toRow(order));
    },
    async byId(id) {
      const row = await repository.findOneBy({ id });
      return row ? toOrder(row) : null;
    },
    async move(id, from, to, changes) {
      if (from.length === 0) return null;
      const update = repository
        .createQueryBuilder()
        .update()
        .set({
          status: to,
          updatedAt: changes.updatedAt,
          ...(changes.failureReason ? { failureReason: changes.failureReason } : {}),
          ...(changes.trackingNumber ? { trackingNumber: changes.trackingNumber } : {}),
          ...(changes.review ? reviewColumns(changes.review) : {}),
        })
        .where('id = :id AND status IN (:...from)', { id, from });
      if (dialectOf(manager.connection) === 'postgres') {
        // The moved row comes back with the UPDATE: every saga step saves the round trip of reading it again.
        const result = await update.returning('*').execute();
        const [row] = result.raw as RawOrderRow[];
        return row ? toOrder(rowOfRaw(row)) : null;
      }
      const result = await update.execute();
      if ((result.affected ?? 0) !== 1) return null;
      const row = await repository.findOneBy({ id });
      return row ? toOrder(row) : null;
    },
    async countPlacedSince(customerId, since, excluding) {
      // IX_orders_customer_created serves it: one customer's orders from `since` on.
      return repository
        .createQueryBuilder('o')
        .where('o.customer_id = :customerId AND o.created_at >= :since AND o.id <> :excluding', {
          customerId,
          since,
          excluding,
        })
        .getCount();
    },
    async list({ customerId, status, limit, after }) {
      const query = repository.createQueryBuilder('o');
      if (customerId) query.andWhere('o.customer_id = :customerId', { customerId });
      if (status) query.andWhere('o.status = :status', { status });
      const page = await creationPage(query, { limit, after });
      return { items: page.items.map(toOrder), next: page.next };
    },
  };
}
