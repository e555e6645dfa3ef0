import type { DeclineReason } from '@shop/contracts';
import { creationPage, dialectOf, isUniqueViolation, type Tx, transaction } from '@shop/kit';
import { type DataSource, type EntityManager, In } from 'typeorm';
import type { PaymentStore, Payments, Refunds, UnitOfWork } from '../application/ports';
import { canMove, type Payment, type PaymentStatus, refundableStatuses } from '../domain/payment';
import type { Refund } from '../domain/refund';
import { PaymentEntity, type PaymentRow, RefundEntity, type RefundRow } from './entities';

/** The payments database behind the application's ports: one TypeORM transaction per unit of work. */
export function typeormUnitOfWork(dataSource: DataSource): UnitOfWork {
  return (work) => transaction(dataSource, (tx) => work(paymentStoreOf(tx)));
}

/** The store of a transaction the caller runs (an inbox consumer's, an idempotent HTTP write's). */
export function paymentStoreOf(tx: Tx): PaymentStore {
  return {
    payments: paymentsOf(tx.manager),
    refunds: refundsOf(tx.manager),
    outbox: (topic, event) => tx.outbox(topic, event),
    rollbackWith: (value) => tx.rollbackWith(value),
  };
}

function toPayment(row: PaymentRow): Payment {
  const { amount, currency, status, failureReason, ...rest } = row;
  return {
    ...rest,
    status: status as PaymentStatus,
    failureReason: failureReason as DeclineReason | null,
    amount: { amount, currency },
  };
}

function toRow(payment: Payment): PaymentRow {
  const { amount, ...rest } = payment;
  return { ...rest, amount: amount.amount, currency: amount.currency };
}

function toRefund(row: RefundRow): Refund {
  const { amount, currency, ...rest } = row;
  return { ...rest, amount: { amount, currency } };
}

// The QueryBuilder writes each dialect's placeholders and quoting, so one code path serves SQLite, PostgreSQL
// and SQL Server. Every status change is an UPDATE whose WHERE names the status it leaves: on PostgreSQL an
// UPDATE that waited for another writer re-evaluates its WHERE on the row as committed, so two writers can
// never both leave the same status.
function paymentsOf(manager: EntityManager): Payments {
  const repository = manager.getRepository(PaymentEntity);
  return {
    async byId(id) {
      const row = await repository.findOneBy({ id });
      return row ? toPayment(row) : null;
    },
    async byOrderId(orderId) {
      const row = await repository.findOneBy({ orderId });
      return row ? toPayment(row) : null;
    },
    async insert(payment) {
      try {
        await repository.insert(toRow(payment));
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
    async claim(orderId, statuses) {
      if (dialectOf(manager.connection) === 'postgres') {
        // One round trip: FOR UPDATE waits for a writer holding the row, then re-evaluates the WHERE on the
        // row as committed (as the UPDATE below does), and answers the row itself.
        const row = await repository
          .createQueryBuilder('payment')
          .where('payment.order_id = :orderId AND payment.status IN (:...statuses)', {
            orderId,
            statuses: [...statuses],
          })
          .setLock('pessimistic_write')
          .getOne();
        return row ? toPayment(row) : null;
      }
      if (dialectOf(manager.connection) === 'sqlite') {
        // SQLite runs one writing transaction at a time (the kit queues them): nothing can change the row before
        // this transaction ends, so the read alone is the claim.
        const row = await repository.findOneBy({ orderId, status: In([...statuses]) });
        return row ? toPayment(row) : null;
      }
      // Writing a column onto itself takes the row lock without changing anything.
      const result = await manager
        .createQueryBuilder()
        .update(PaymentEntity)
        .set({ updatedAt: () => 'updated_at' })
        .where('order_id = :orderId AND status IN (:...statuses)', { orderId, statuses: [...statuses] })
        .execute();
      if (result.affected !== 1) return null;
      const row = await repository.findOneBy({ orderId });
      return row ? toPayment(row) : null;
    },
    async move(id, from, to, at, changes = {}) {
      if (!canMove(from, to)) throw new Error(`a payment cannot move from ${from} to ${to}`);
      const result = await manager
        .createQueryBuilder()
        .update(PaymentEntity)
        .set({ ...changes, status: to, updatedAt: at })
        .where('id = :id AND status = :from', { id, from })
        .execute();
      return result.affected === 1;
    },
    async addRefunded(id, amount, at) {
      // SET expressions read the row as it was before the UPDATE, so the CASE sees the old refunded_amount.
      const result = await manager
        .createQueryBuilder()
        .update(PaymentEntity)
        .set({
          refundedAmount: () => 'refunded_amount + :refund',
          status: () => "CASE WHEN refunded_amount + :refund = amount THEN 'refunded' ELSE 'partially_refunded' END",
          updatedAt: at,
        })
        .where(
          'id = :id AND status IN (:...refundable) AND currency = :currency AND refunded_amount + :refund <= amount',
          { id, refundable: [...refundableStatuses], currency: amount.currency },
        )
        .setParameter('refund', amount.amount)
        .execute();
      return result.affected === 1;
    },
    async setReviewRequired(orderId, required, statuses, at) {
      const result = await manager
        .createQueryBuilder()
        .update(PaymentEntity)
        .set({ reviewRequired: required, updatedAt: at })
        .where('order_id = :orderId AND status IN (:...statuses)', { orderId, statuses: [...statuses] })
        .execute();
      return result.affected === 1;
    },
    async list({ limit, orderId, customerId, after }) {
      const query = repository.createQueryBuilder('p');
      if (orderId) query.andWhere('p.order_id = :orderId', { orderId });
      if (customerId) query.andWhere('p.customer_id = :customerId', { customerId });
      const page = await creationPage(query, { limit, after });
      return { items: page.items.map(toPayment), next: page.next };
    },
  };
}

function refundsOf(manager: EntityManager): Refunds {
  const repository = manager.getRepository(RefundEntity);
  return {
    async insert(refund) {
      const { amount, ...rest } = refund;
      await repository.insert({ ...rest, amount: amount.amount, currency: amount.currency });
    },
    async listFor(paymentId) {
      const rows = await repository.find({ where: { paymentId }, order: { createdAt: 'ASC', id: 'ASC' } });
      return rows.map(toRefund);
    },
  };
}
