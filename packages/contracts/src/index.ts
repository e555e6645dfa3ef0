export type * from './catalog-events';
export type * from './customer-events';
export type { EventEnvelope } from './event-envelope';
export type * from './inventory-events';
export type { Money } from './money';
export type * from './order-events';
export type * from './payment-events';
export { type Topic, topics } from './topics';
