export type { EventEnvelope } from './event-envelope';
