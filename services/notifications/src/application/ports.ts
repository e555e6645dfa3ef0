import type { EventEnvelope } from '@shop/contracts';
import type { CustomerContact, Preferences } from '../domain/customer-contact';
import type { Delivery, DeliveryStatus, SettledStatus } from '../domain/delivery';
import type { InAppNotification } from '../domain/in-app-notification';
import type { Channel, NotificationModel, NotificationType } from '../domain/notification';
import type { RetrySchedule } from '../domain/retry-schedule';

/**
 * What a sender's error may say beside its message (the ports below throw errors of this shape): `retryable:
 * false` when trying again would fail the same way (a refused recipient, a number the provider cannot reach), so
 * the delivery fails at once; `retryAfterMs` when the other side said how long to wait. Any other error is retried.
 */
export interface SendFailure {
  retryable?: boolean;
  retryAfterMs?: number;
}

/** Sends one email. Throws when the server did not take it (the delivery is retried). */
export interface EmailSender {
  send(mail: { messageId: string; to: string; subject: string; text: string; html: string }): Promise<void>;
}

/**
 * Sends one SMS. Throws when the provider did not take it (an error with `retryable: false` is final, anything else
 * is retried); a repeat of `idempotencyKey` sends nothing more.
 */
export interface SmsSender {
  send(sms: { to: string; body: string; idempotencyKey: string }): Promise<void>;
}

/**
 * Pushes an in-app notification live to the customer's connections (hub `notifications`). Throws when the hub did
 * not take it (an error with `retryable: false` is final, anything else is retried).
 */
export interface InAppPusher {
  push(
    customerId: string,
    notification: { id: string; type: string; title: string; body: string; orderId?: string; createdAt: string },
  ): Promise<void>;
}

export interface Position {
  createdAt: Date;
  id: string;
}

export interface Page<T> {
  items: T[];
  /** The last row's position, when more rows may follow. */
  next: Position | null;
}

export interface DeliveryQuery {
  customerId?: string;
  channel?: Channel;
  status?: SettledStatus;
  limit: number;
  /** Newest first: the page starts after this position. */
  after?: Position;
}

export interface Deliveries {
  /** Inserts (the unique index on event and channel refuses a second). */
  insert(delivery: Delivery): Promise<void>;
  /** The channels the event already has a delivery on. */
  channelsOf(eventId: string): Promise<Channel[]>;
  byId(id: string): Promise<Delivery | null>;
  /**
   * Claims up to `limit` deliveries due at `now` for one attempt each, oldest first: `Pending` ones whose next
   * attempt has come, and `Sending` ones whose claim lapsed (their sender crashed). One conditional UPDATE marks
   * them `Sending` with `claim` (this pass's token) until `claimedUntil`, attempts + 1; a delivery another sender
   * claimed meanwhile is not among those answered.
   */
  claimDue(now: Date, claim: { token: string; until: Date }, limit: number): Promise<Delivery[]>;
  /** Records the outcome of the attempt claimed with `token`; false when that claim lapsed and was taken over. */
  settle(
    id: string,
    token: string,
    to: DeliveryStatus,
    changes: { sentAt?: Date; error?: string | null; nextAttemptAt?: Date | null },
  ): Promise<boolean>;
  /** The delivery log: settled deliveries, newest first. */
  list(query: DeliveryQuery): Promise<Page<Delivery>>;
}

export interface InAppNotifications {
  insert(notification: InAppNotification): Promise<void>;
  byId(id: string): Promise<InAppNotification | null>;
  byIds(ids: string[]): Promise<InAppNotification[]>;
  /** Sets `readAt` when it is not set yet; answers the notification as it is now, null when it is not the customer's. */
  markRead(id: string, customerId: string, at: Date): Promise<InAppNotification | null>;
  listFor(customerId: string, limit: number, after?: Position): Promise<Page<InAppNotification>>;
  deleteFor(customerId: string): Promise<void>;
}

export interface CustomerContacts {
  byId(customerId: string): Promise<CustomerContact | null>;
  byIds(customerIds: string[]): Promise<CustomerContact[]>;
  /** Inserts or replaces the copy, unless the stored one is newer (events arrive in any order). */
  save(contact: CustomerContact): Promise<void>;
  delete(customerId: string): Promise<void>;
}

export interface PreferenceStore {
  of(customerId: string): Promise<Preferences | null>;
  save(customerId: string, preferences: Preferences, at: Date): Promise<void>;
  delete(customerId: string): Promise<void>;
}

/** The repositories of one transaction, and its outbox. */
export interface NotificationsStore {
  deliveries: Deliveries;
  inApp: InAppNotifications;
  contacts: CustomerContacts;
  preferences: PreferenceStore;
  /** Publishes the event once the transaction commits (transactional outbox). */
  outbox(topic: string, event: EventEnvelope): Promise<void>;
}

/** Runs `work` in one transaction over the notifications database. */
export type UnitOfWork = <T>(work: (store: NotificationsStore) => Promise<T>) => Promise<T>;

export interface Clock {
  now(): Date;
}

/** Renders a notification's words in the customer's language (templates in files, HTML escaped). */
export interface NotificationRenderer {
  render(type: NotificationType, locale: string | null, model: NotificationModel): RenderedNotification;
}

export interface RenderedNotification {
  /** The email's subject, the in-app title. */
  subject: string;
  /** The email's text part, the in-app body, the SMS. */
  text: string;
  html: string;
}

/** What sending needs; the SMS sender and the in-app pusher are optional (off unless configured). */
export interface NotificationsDeps {
  unitOfWork: UnitOfWork;
  clock: Clock;
  renderer: NotificationRenderer;
  email: EmailSender;
  sms?: SmsSender;
  inAppPusher?: InAppPusher;
  retry: RetrySchedule;
  /** The domain Message-IDs are made in (MAIL_FROM's). */
  messageIdDomain: string;
  /** Told of each attempt the sender makes (metrics). */
  onAttempt?: AttemptListener;
}

export type AttemptOutcome = 'Sent' | 'Retry' | 'Failed' | 'Lost';

/** What the sender reports of each attempt. */
export type AttemptListener = (delivery: Delivery, outcome: AttemptOutcome) => void;
