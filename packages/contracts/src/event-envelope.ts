/**
 * Every event on the bus carries this envelope (CONTRACT.md, Events). Consumers are idempotent on `id`.
 * `occurredAt` is ISO 8601 UTC.
 */
export interface EventEnvelope<TData = unknown> {
  id: string;
  type: string;
  occurredAt: string;
  data: TData;
}
