import { EntitySchema } from 'typeorm';

export interface CustomerContactRow {
  customerId: string;
  email: string;
  name: string;
  locale: string | null;
  phone: string | null;
  updatedAt: Date;
}

export interface PreferencesRow {
  customerId: string;
  email: boolean;
  sms: boolean;
  inApp: boolean;
  updatedAt: Date;
}

export interface InAppNotificationRow {
  id: string;
  customerId: string;
  type: string;
  title: string;
  body: string;
  orderId: string | null;
  createdAt: Date;
  readAt: Date | null;
}

/** One row per event and channel: the delivery log, and the queue the sender works through. */
export interface DeliveryRow {
  id: string;
  eventId: string;
  channel: string;
  customerId: string;
  type: string;
  /** The notification's facts (order id, amounts, tracking number…) as JSON. */
  factsJson: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date | null;
  claimedUntil: Date | null;
  claimToken: string | null;
  error: string | null;
  createdAt: Date;
  sentAt: Date | null;
  notificationId: string | null;
}

export const CustomerContactEntity = new EntitySchema<CustomerContactRow>({
  name: 'NotificationsCustomerContact',
  tableName: 'customer_contacts',
  columns: {
    customerId: { name: 'customer_id', type: String, primary: true },
    email: { name: 'email', type: String },
    name: { name: 'name', type: String },
    locale: { name: 'locale', type: String, nullable: true },
    phone: { name: 'phone', type: String, nullable: true },
    updatedAt: { name: 'updated_at', type: Date },
  },
});

export const PreferencesEntity = new EntitySchema<PreferencesRow>({
  name: 'NotificationsPreferences',
  tableName: 'notification_preferences',
  columns: {
    customerId: { name: 'customer_id', type: String, primary: true },
    email: { name: 'email', type: Boolean },
    sms: { name: 'sms', type: Boolean },
    inApp: { name: 'in_app', type: Boolean },
    updatedAt: { name: 'updated_at', type: Date },
  },
});

export const InAppNotificationEntity = new EntitySchema<InAppNotificationRow>({
  name: 'NotificationsInApp',
  tableName: 'in_app_notifications',
  columns: {
    id: { name: 'id', type: String, primary: true },
    customerId: { name: 'customer_id', type: String },
    type: { name: 'type', type: String },
    title: { name: 'title', type: String },
    body: { name: 'body', type: String },
    orderId: { name: 'order_id', type: String, nullable: true },
    createdAt: { name: 'created_at', type: Date },
    readAt: { name: 'read_at', type: Date, nullable: true },
  },
});

export const DeliveryEntity = new EntitySchema<DeliveryRow>({
  name: 'NotificationsDelivery',
  tableName: 'deliveries',
  columns: {
    id: { name: 'id', type: String, primary: true },
    eventId: { name: 'event_id', type: String },
    channel: { name: 'channel', type: String },
    customerId: { name: 'customer_id', type: String },
    type: { name: 'type', type: String },
    factsJson: { name: 'facts_json', type: String },
    status: { name: 'status', type: String },
    attempts: { name: 'attempts', type: Number },
    nextAttemptAt: { name: 'next_attempt_at', type: Date, nullable: true },
    claimedUntil: { name: 'claimed_until', type: Date, nullable: true },
    claimToken: { name: 'claim_token', type: String, nullable: true },
    error: { name: 'error', type: String, nullable: true },
    createdAt: { name: 'created_at', type: Date },
    sentAt: { name: 'sent_at', type: Date, nullable: true },
    notificationId: { name: 'notification_id', type: String, nullable: true },
  },
});

export const notificationsEntities = [
  CustomerContactEntity,
  PreferencesEntity,
  InAppNotificationEntity,
  DeliveryEntity,
];
