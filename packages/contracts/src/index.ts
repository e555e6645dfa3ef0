export type * from './catalog-events';
export type * from './customer-events';
export type { EventEnvelope } from './event-envelope';
export type * from './inventory-events';
export {
  type AppId,
  appIds,
  deadLetterTopicOf,
  type EventFlow,
  eventFlows,
  type Invocation,
  invocations,
  publishedBy,
  subscribedBy,
} from './mesh-policy';
export type { Money } from './money';
export type * from './order-events';
export type * from './payment-events';
export { type Topic, topics } from './topics';
