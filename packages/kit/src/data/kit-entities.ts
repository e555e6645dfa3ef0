import { EntitySchema } from 'typeorm';

/** A row of `outbox_events`: one event written in a business transaction, waiting for the relay. */
export interface OutboxEventRecord {
  /** Insertion order; drivers hand a bigint back as a string or a number. */
  seq: string | number;
  /** The event id (the envelope's `id`), unique. */
  id: string;
  topic: string;
  type: string;
  /** The envelope's `data` as JSON. */
  payload: string;
  occurredAt: Date;
  createdAt: Date;
  publishedAt: Date | null;
  attempts: number;
  lastError: string | null;
  /** The relay claim (instance and batch) that holds the row until `lockedUntil`. */
  lockedBy: string | null;
  lockedUntil: Date | null;
  /** The W3C traceparent of the work that wrote the row (tracing on), which the relay's publish continues. */
  traceparent: string | null;
}

/** A row of `inbox_events`: this consumer has applied this event. */
export interface InboxEventRecord {
  consumer: string;
  eventId: string;
  processedAt: Date;
}

/** A row of `idempotency_keys`: the stored outcome of the first request made with a key. */
export interface IdempotencyKeyRecord {
  scope: string;
  key: string;
  requestHash: string;
  /** 'completed' (the effect committed with it) or 'rejected' (a business failure, nothing committed). */
  status: string;
  /** JSON of `{ status, body }`, replayed for a retry. */
  response: string;
  createdAt: Date;
  completedAt: Date;
}

/** What became of a dead letter: still waiting for an operator, handled again, or let go. */
export type DeadLetterStatus = 'stored' | 'replayed' | 'discarded';

/** A row of `dead_letters`: an event this service gave up on, kept for an operator to replay or discard. */
export interface DeadLetterRecord {
  /** The row's own id (a UUID): one event may be dead-lettered more than once. */
  id: string;
  /** The topic the event failed on (not the dead-letter topic that brought it back). */
  topic: string;
  /** The envelope's `id`, kept as it was so that a replay is the same event to every inbox. */
  eventId: string;
  eventType: string;
  /** The whole envelope as JSON. */
  payload: string;
  /** The last failure this process saw for it (the handler's error, the contract problems), when it saw one. */
  error: string | null;
  /** Deliveries this process saw fail before the mesh gave up (0 when they failed on another replica). */
  attempts: number;
  deadLetteredAt: Date;
  status: DeadLetterStatus;
  /** When an operator replayed or discarded it. */
  resolvedAt: Date | null;
  /** Who did (the admin's subject). */
  resolvedBy: string | null;
}

// Column types are the JavaScript ones so that each driver maps them to its own; the DDL is in kit-migrations.
export const OutboxEvent = new EntitySchema<OutboxEventRecord>({
  name: 'KitOutboxEvent',
  tableName: 'outbox_events',
  columns: {
    seq: { name: 'seq', type: 'bigint', primary: true, generated: 'increment' },
    id: { name: 'id', type: String },
    topic: { name: 'topic', type: String },
    type: { name: 'type', type: String },
    payload: { name: 'payload', type: String },
    occurredAt: { name: 'occurred_at', type: Date },
    createdAt: { name: 'created_at', type: Date },
    publishedAt: { name: 'published_at', type: Date, nullable: true },
    attempts: { name: 'attempts', type: Number },
    lastError: { name: 'last_error', type: String, nullable: true },
    lockedBy: { name: 'locked_by', type: String, nullable: true },
    lockedUntil: { name: 'locked_until', type: Date, nullable: true },
    traceparent: { name: 'traceparent', type: String, nullable: true },
  },
});

export const InboxEvent = new EntitySchema<InboxEventRecord>({
  name: 'KitInboxEvent',
  tableName: 'inbox_events',
  columns: {
    consumer: { name: 'consumer', type: String, primary: true },
    eventId: { name: 'event_id', type: String, primary: true },
    processedAt: { name: 'processed_at', type: Date },
  },
});

export const IdempotencyKey = new EntitySchema<IdempotencyKeyRecord>({
  name: 'KitIdempotencyKey',
  tableName: 'idempotency_keys',
  columns: {
    scope: { name: 'scope', type: String, primary: true },
    key: { name: 'key', type: String, primary: true },
    requestHash: { name: 'request_hash', type: String },
    status: { name: 'status', type: String },
    response: { name: 'response', type: String },
    createdAt: { name: 'created_at', type: Date },
    completedAt: { name: 'completed_at', type: Date },
  },
});

export const DeadLetter = new EntitySchema<DeadLetterRecord>({
  name: 'KitDeadLetter',
  tableName: 'dead_letters',
  columns: {
    id: { name: 'id', type: String, primary: true },
    topic: { name: 'topic', type: String },
    eventId: { name: 'event_id', type: String },
    eventType: { name: 'event_type', type: String },
    payload: { name: 'payload', type: String },
    error: { name: 'error', type: String, nullable: true },
    attempts: { name: 'attempts', type: Number },
    deadLetteredAt: { name: 'dead_lettered_at', type: Date },
    status: { name: 'status', type: String },
    resolvedAt: { name: 'resolved_at', type: Date, nullable: true },
    resolvedBy: { name: 'resolved_by', type: String, nullable: true },
  },
});

/** The kit's own tables, added to every DataSource the kit builds. */
export const kitEntities = [OutboxEvent, InboxEvent, IdempotencyKey, DeadLetter];
