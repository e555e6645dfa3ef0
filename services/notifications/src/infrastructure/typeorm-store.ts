import { creationPage, type Tx, transaction } from '@shop/kit';
import { type DataSource, type EntityManager, In, LessThanOrEqual } from 'typeorm';
import type {
  CustomerContacts,
  Deliveries,
  InAppNotifications,
  NotificationsStore,
  PreferenceStore,
  UnitOfWork,
} from '../application/ports';
import type { CustomerContact } from '../domain/customer-contact';
import { canMoveDelivery, type Delivery, type DeliveryStatus, settledStatuses } from '../domain/delivery';
import type { InAppNotification } from '../domain/in-app-notification';
import type { Channel, NotificationType } from '../domain/notification';
import {
  CustomerContactEntity,
  DeliveryEntity,
  type DeliveryRow,
  InAppNotificationEntity,
  type InAppNotificationRow,
  PreferencesEntity,
} from './entities';

/** The store of a transaction the kit opened (the event intake's). */
export function storeOfTx(tx: Tx): NotificationsStore {
  return {
    deliveries: deliveriesOf(tx.manager),
    inApp: inAppOf(tx.manager),
    contacts: contactsOf(tx.manager),
    preferences: preferencesOf(tx.manager),
    outbox: (topic, event) => tx.outbox(topic, event),
  };
}

export function typeormUnitOfWork(dataSource: DataSource): UnitOfWork {
  return (work) => transaction(dataSource, (tx) => work(storeOfTx(tx)));
}

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    eventId: row.eventId,
    channel: row.channel as Channel,
    customerId: row.customerId,
    type: row.type as NotificationType,
    facts: JSON.parse(row.factsJson) as Delivery['facts'],
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    claimedUntil: row.claimedUntil,
    claimToken: row.claimToken,
    error: row.error,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
    notificationId: row.notificationId,
  };
}

function deliveriesOf(manager: EntityManager): Deliveries {
  const repository = manager.getRepository(DeliveryEntity);
  /** Due: waiting for an attempt whose time came, or claimed by a sender whose claim lapsed. */
  const dueAt = (now: Date): Array<Record<string, unknown>> => [
    { status: 'Pending', nextAttemptAt: LessThanOrEqual(now) },
    { status: 'Sending', claimedUntil: LessThanOrEqual(now) },
  ];
  return {
    async insert(delivery) {
      const { facts, ...rest } = delivery;
      await repository.insert({ ...rest, factsJson: JSON.stringify(facts) });
    },
    async channelsOf(eventId) {
      const rows = await repository.find({ select: { channel: true }, where: { eventId } });
      return rows.map((row) => row.channel as Channel);
    },
    async byId(id) {
      const row = await repository.findOneBy({ id });
      return row ? toDelivery(row) : null;
    },
    async claimDue(now, claim, limit) {
      const due = await repository.find({
        select: { id: true },
        where: dueAt(now),
        order: { createdAt: 'ASC', id: 'ASC' },
        take: limit,
      });
      if (due.length === 0) return [];
      const ids = due.map((row) => row.id);
      // Still due: a sender that claimed one of them between the SELECT and here keeps it.
      await repository
        .createQueryBuilder()
        .update()
        .set({ status: 'Sending', claimedUntil: claim.until, claimToken: claim.token, attempts: () => 'attempts + 1' })
        .where(dueAt(now).map((condition) => ({ ...condition, id: In(ids) })))
        .execute();
      const claimed = await repository.find({ where: { claimToken: claim.token, status: 'Sending' } });
      return claimed.map(toDelivery);
    },
    async settle(id, token, to, changes) {
      if (!canMoveDelivery('Sending', to)) throw new Error(`a claimed delivery cannot become ${to}`);
      const result = await repository
        .createQueryBuilder()
        .update()
        .set({
          status: to,
          claimedUntil: null,
          claimToken: null,
          nextAttemptAt: changes.nextAttemptAt ?? null,
          ...(changes.sentAt ? { sentAt: changes.sentAt } : {}),
          ...(changes.error !== undefined ? { error: changes.error } : {}),
        })
        // Only the claim of this attempt records its outcome: a sender whose claim lapsed and was taken over
        // (another token) records nothing.
        .where({ id, claimToken: token, status: 'Sending' })
        .execute();
      return (result.affected ?? 0) === 1;
    },
    async list({ customerId, channel, status, limit, after }) {
      const query = repository.createQueryBuilder('d');
      query.andWhere({ status: status ?? In([...settledStatuses]) });
      if (customerId) query.andWhere({ customerId });
      if (channel) query.andWhere({ channel });
      const page = await creationPage(query, { limit, after });
      return { items: page.items.map(toDelivery), next: page.next };
    },
  };
}

function toInApp(row: InAppNotificationRow): InAppNotification {
  return { ...row, type: row.type as NotificationType };
}

function inAppOf(manager: EntityManager): InAppNotifications {
  const repository = manager.getRepository(InAppNotificationEntity);
  return {
    async insert(notification) {
      await repository.insert(notification);
    },
    async byId(id) {
      const row = await repository.findOneBy({ id });
      return row ? toInApp(row) : null;
    },
    async byIds(ids) {
      return ids.length === 0 ? [] : (await repository.findBy({ id: In(ids) })).map(toInApp);
    },
    async markRead(id, customerId, at) {
      await repository
        .createQueryBuilder()
        .update()
        .set({ readAt: at })
        .where('id = :id AND customer_id = :customerId AND read_at IS NULL', { id, customerId })
        .execute();
      const row = await repository.findOneBy({ id, customerId });
      return row ? toInApp(row) : null;
    },
    async listFor(customerId, limit, after) {
      const query = repository.createQueryBuilder('n').andWhere({ customerId });
      const page = await creationPage(query, { limit, after });
      return { items: page.items.map(toInApp), next: page.next };
    },
    async deleteFor(customerId) {
      await repository.delete({ customerId });
    },
  };
}

function contactsOf(manager: EntityManager): CustomerContacts {
  const repository = manager.getRepository(CustomerContactEntity);
  return {
    async byId(customerId) {
      return (await repository.findOneBy({ customerId })) as CustomerContact | null;
    },
    async byIds(customerIds) {
      return customerIds.length === 0
        ? []
        : ((await repository.findBy({ customerId: In(customerIds) })) as CustomerContact[]);
    },
    async save(contact) {
      const stored = await repository.findOneBy({ customerId: contact.customerId });
      if (!stored) {
        await repository.insert(contact);
        return;
      }
      if (stored.updatedAt.getTime() > contact.updatedAt.getTime()) return;
      await repository.update({ customerId: contact.customerId }, contact);
    },
    async delete(customerId) {
      await repository.delete({ customerId });
    },
  };
}

function preferencesOf(manager: EntityManager): PreferenceStore {
  const repository = manager.getRepository(PreferencesEntity);
  return {
    async of(customerId) {
      const row = await repository.findOneBy({ customerId });
      return row ? { email: row.email, sms: row.sms, inApp: row.inApp } : null;
    },
    async save(customerId, preferences, at) {
      await repository.upsert({ customerId, ...preferences, updatedAt: at }, ['customerId']);
    },
    async delete(customerId) {
      await repository.delete({ customerId });
    },
  };
}
