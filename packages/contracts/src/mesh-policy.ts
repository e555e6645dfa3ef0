import { type Topic, topics } from './topics';

/**
 * Who may talk to whom inside the platform, declared once. The Dapr pub/sub scopes (only a topic's owner
 * publishes it; a service subscribes only to what it consumes) and the Dapr access control lists (only the
 * invocations the design uses) are generated from these tables, for the local Dapr topology and the Helm
 * chart alike; tests check them against what each service really publishes, subscribes to and invokes.
 */

/** The app ids of the platform's services. */
export const appIds = [
  'identity',
  'catalog',
  'inventory',
  'payments',
  'orders',
  'hub',
  'cart',
  'notifications',
  'analytics',
  'recommendations',
  'fraud',
] as const;
export type AppId = (typeof appIds)[number];

export interface EventFlow {
  /** The one app allowed to publish the topic. */
  publisher: AppId;
  /** The apps allowed to subscribe to it. */
  subscribers: AppId[];
}

export const eventFlows: Record<Topic, EventFlow> = {
  [topics.productCreated]: {
    publisher: 'catalog',
    subscribers: ['inventory', 'cart', 'analytics', 'recommendations'],
  },
  [topics.productUpdated]: { publisher: 'catalog', subscribers: ['cart', 'analytics', 'recommendations'] },
  [topics.productDeleted]: { publisher: 'catalog', subscribers: ['inventory', 'cart', 'recommendations'] },
  [topics.stockChanged]: {
    publisher: 'inventory',
    subscribers: ['catalog', 'hub', 'cart', 'analytics', 'recommendations'],
  },
  [topics.stockReserved]: { publisher: 'inventory', subscribers: ['payments'] },
  [topics.stockReservationFailed]: { publisher: 'inventory', subscribers: ['orders', 'payments'] },
  [topics.stockReleased]: { publisher: 'inventory', subscribers: ['orders'] },
  [topics.stockCommitted]: { publisher: 'inventory', subscribers: [] },
  [topics.lowStock]: { publisher: 'inventory', subscribers: [] },
  // Placement opens the order's payment before it announces the order: payments needs no part in it.
  [topics.orderPlaced]: { publisher: 'orders', subscribers: ['inventory', 'hub', 'analytics'] },
  [topics.orderPaid]: {
    publisher: 'orders',
    subscribers: ['inventory', 'hub', 'notifications', 'analytics', 'recommendations', 'fraud'],
  },
  [topics.orderFailed]: {
    publisher: 'orders',
    subscribers: ['inventory', 'payments', 'hub', 'notifications', 'analytics'],
  },
  [topics.orderCancelled]: {
    publisher: 'orders',
    subscribers: ['inventory', 'payments', 'hub', 'notifications', 'analytics'],
  },
  [topics.orderShipped]: { publisher: 'orders', subscribers: ['hub', 'notifications'] },
  [topics.orderDelivered]: { publisher: 'orders', subscribers: ['hub', 'notifications'] },
  // Notifications sends nothing for OnHold (a held order's confirmation waits for order-paid), so it is not here.
  [topics.orderHeld]: { publisher: 'orders', subscribers: ['inventory', 'hub', 'analytics'] },
  // Analytics counts an order held once, when held; what the review decided shows as paid or failed.
  [topics.orderApproved]: { publisher: 'orders', subscribers: ['payments', 'hub'] },
  [topics.paymentSucceeded]: { publisher: 'payments', subscribers: ['orders'] },
  [topics.paymentFailed]: { publisher: 'payments', subscribers: ['orders', 'fraud'] },
  [topics.paymentRefunded]: { publisher: 'payments', subscribers: ['analytics'] },
  [topics.customerRegistered]: { publisher: 'identity', subscribers: ['notifications', 'analytics', 'fraud'] },
  [topics.customerUpdated]: { publisher: 'identity', subscribers: ['notifications'] },
  [topics.customerDeleted]: { publisher: 'identity', subscribers: ['notifications'] },
  [topics.cartCheckedOut]: { publisher: 'cart', subscribers: [] },
  [topics.notificationSent]: { publisher: 'notifications', subscribers: [] },
};

/**
 * The apps that only observe what happens (live pushes, read models, learners, projections, emails): no step of the
 * order saga waits on their answer, so the Dapr topology delivers their events in batches (bulk subscribe), one
 * request for several events, each batch waiting at most this many milliseconds for more. The saga's own steps
 * (inventory, payments, orders, identity) get each event alone, as soon as it is on the stream.
 * A window costs a wake-up of the sidecar per subscription every window even when nothing comes (daprd's batch
 * timer ticks regardless), so only the live pushes get a short one.
 */
export const deliveryBatchWindowsMs: Readonly<Partial<Record<AppId, number>>> = {
  hub: 10,
  catalog: 50,
  cart: 50,
  notifications: 100,
  analytics: 100,
  recommendations: 100,
  fraud: 100,
};

/** Where an app's undeliverable events go (its sidecar publishes there, the app alone subscribes). */
export function deadLetterTopicOf(appId: string): string {
  return `deadletter.${appId}`;
}

export interface Invocation {
  caller: AppId;
  callee: AppId;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The callee's path; a trailing `/*` admits one more segment (an id), as Dapr's access control operations do. */
  path: string;
}

/** Every service invocation the design uses; the callee's sidecar refuses any other. */
export const invocations: Invocation[] = [
  { caller: 'orders', callee: 'catalog', method: 'POST', path: '/internal/products/lookup' },
  { caller: 'orders', callee: 'payments', method: 'POST', path: '/internal/payment-methods' },
  { caller: 'orders', callee: 'payments', method: 'POST', path: '/internal/payments' },
  // Every order is scored before it is recorded; without an answer in time orders applies the contract's rules alone.
  { caller: 'orders', callee: 'fraud', method: 'POST', path: '/internal/assessments' },
  // Recommendations fill their product projection from the owners for products they have no event of yet.
  { caller: 'recommendations', callee: 'catalog', method: 'POST', path: '/internal/products/lookup' },
  { caller: 'recommendations', callee: 'inventory', method: 'GET', path: '/internal/stock/*' },
  { caller: 'hub', callee: 'inventory', method: 'GET', path: '/internal/stock/*' },
  // The cart fills its price and stock projection from the owners for products it has no event of yet.
  { caller: 'cart', callee: 'catalog', method: 'POST', path: '/internal/products/lookup' },
  { caller: 'cart', callee: 'inventory', method: 'GET', path: '/internal/stock/*' },
  // Checkout places the order as the customer (their token travels with the call) and, recovering an
  // interrupted checkout, asks whether that order exists.
  { caller: 'cart', callee: 'orders', method: 'POST', path: '/api/orders' },
  { caller: 'cart', callee: 'orders', method: 'GET', path: '/api/orders/*' },
  // Every service that takes access tokens asks whether a token's login (`sid`) is still live; identity answers its own.
  { caller: 'catalog', callee: 'identity', method: 'GET', path: '/internal/sessions/*' },
  { caller: 'inventory', callee: 'identity', method: 'GET', path: '/internal/sessions/*' },
  { caller: 'payments', callee: 'identity', method: 'GET', path: '/internal/sessions/*' },
  { caller: 'orders', callee: 'identity', method: 'GET', path: '/internal/sessions/*' },
  { caller: 'hub', callee: 'identity', method: 'GET', path: '/internal/sessions/*' },
  { caller: 'cart', callee: 'identity', method: 'GET', path: '/internal/sessions/*' },
  { caller: 'notifications', callee: 'identity', method: 'GET', path: '/internal/sessions/*' },
  { caller: 'analytics', callee: 'identity', method: 'GET', path: '/internal/sessions/*' },
  { caller: 'recommendations', callee: 'identity', method: 'GET', path: '/internal/sessions/*' },
  { caller: 'fraud', callee: 'identity', method: 'GET', path: '/internal/sessions/*' },
];

/** Topics an app may publish: those it owns and its own dead-letter topic. */
export function publishedBy(appId: AppId): string[] {
  const owned = Object.entries(eventFlows).flatMap(([topic, flow]) => (flow.publisher === appId ? [topic] : []));
  return [...owned, deadLetterTopicOf(appId)];
}

/** Topics an app may subscribe to: those it consumes and its own dead-letter topic. */
export function subscribedBy(appId: AppId): string[] {
  const consumed = Object.entries(eventFlows).flatMap(([topic, flow]) =>
    flow.subscribers.includes(appId) ? [topic] : [],
  );
  return [...consumed, deadLetterTopicOf(appId)];
}
