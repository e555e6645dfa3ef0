import {
  CustomerDeleted,
  CustomerRegistered,
  CustomerUpdated,
  type EventContract,
  OrderCancelled,
  OrderDelivered,
  OrderFailed,
  OrderPaid,
  OrderShipped,
  type OrderStatusEvent,
} from '@shop/contracts';
import { type InboxEventContext, subscribe, type Tx } from '@shop/kit';
import { forgetCustomer, keepCustomerCopy } from '../application/keep-customer-copy';
import type { Clock, NotificationRenderer, NotificationsStore } from '../application/ports';
import { recordNotification } from '../application/record-notification';
import type { NotificationFacts, NotificationType } from '../domain/notification';

export interface SubscriptionDeps {
  storeOf: (tx: Tx) => NotificationsStore;
  clock: Clock;
  renderer: NotificationRenderer;
  smsConfigured: boolean;
}

/** What an order notice says, from its event: never more of the card than its last four digits. */
function orderFacts(data: OrderStatusEvent): NotificationFacts {
  return {
    orderId: data.orderId,
    ...(data.total ? { total: data.total } : {}),
    ...(data.cardLast4 ? { cardLast4: data.cardLast4 } : {}),
    ...(data.trackingNumber ? { trackingNumber: data.trackingNumber } : {}),
    ...(data.failureReason ? { failureReason: data.failureReason } : {}),
    ...(data.refund ? { refund: data.refund } : {}),
  };
}

const orderNotice = (contract: EventContract<OrderStatusEvent>, type: NotificationType) =>
  subscribe<OrderStatusEvent, SubscriptionDeps, InboxEventContext>(contract, async (ctx, event, deps) => {
    await recordNotification(
      ctx,
      { eventId: event.id, customerId: event.data.customerId, type, facts: orderFacts(event.data) },
      { ...deps, store: deps.storeOf(ctx.tx) },
    );
  });

/** Every event the service takes in, each once per event id (the kit's inbox). */
export const notificationsSubscriptions = [
  subscribe(CustomerRegistered, async (ctx, event, deps: SubscriptionDeps) => {
    const store = deps.storeOf(ctx.tx);
    const { customerId, email, name, locale, registeredAt } = event.data;
    await keepCustomerCopy(
      ctx,
      { customerId, email, name, locale: locale ?? null, phone: null, updatedAt: new Date(registeredAt) },
      { store },
    );
    await recordNotification(ctx, { eventId: event.id, customerId, type: 'Welcome', facts: {} }, { ...deps, store });
  }),
  subscribe(CustomerUpdated, async (ctx, event, deps: SubscriptionDeps) => {
    const { customerId, email, name, locale, phone, updatedAt } = event.data;
    await keepCustomerCopy(
      ctx,
      { customerId, email, name, locale, phone, updatedAt: new Date(updatedAt) },
      { store: deps.storeOf(ctx.tx) },
    );
  }),
  subscribe(CustomerDeleted, async (ctx, event, deps: SubscriptionDeps) => {
    await forgetCustomer(ctx, { customerId: event.data.customerId }, { store: deps.storeOf(ctx.tx) });
  }),
  orderNotice(OrderPaid, 'OrderConfirmed'),
  orderNotice(OrderFailed, 'OrderFailed'),
  orderNotice(OrderShipped, 'OrderShipped'),
  orderNotice(OrderDelivered, 'OrderDelivered'),
  orderNotice(OrderCancelled, 'OrderCancelled'),
];
