export * from './cart-events';
export * from './catalog-events';
export * from './customer-events';
export { type EventContract, eventContract, newEvent, type OutgoingEvent } from './event-contract';
export { eventContracts } from './event-contracts';
export type { EventEnvelope } from './event-envelope';
export * from './fraud-review';
export * from './inventory-events';
export {
  type AppId,
  appIds,
  deadLetterTopicOf,
  deliveryBatchWindowsMs,
  type EventFlow,
  eventFlows,
  type Invocation,
  invocations,
  publishedBy,
  subscribedBy,
} from './mesh-policy';
export type { Money } from './money';
export * from './notification-events';
export * from './order-events';
export { orderIdFor } from './order-identity';
export {
  type CardRequest,
  cardRequest,
  orderLimits,
  type ShippingAddressRequest,
  shippingAddressRequest,
} from './order-requests';
export * from './payment-events';
export { type Topic, topics } from './topics';
