import { EntitySchema } from 'typeorm';

/** Counts per UTC hour (hours since the epoch). */
export interface ActivityHourRow {
  hour: number;
  placed: number;
  held: number;
  paid: number;
  cancelled: number;
  registered: number;
  failedOutOfStock: number;
  failedPaymentDeclined: number;
  failedReservationExpired: number;
  failedFraudSuspected: number;
}

/** Money per UTC hour and currency, in integer minor units (bigint: read back as text on some drivers). */
export interface RevenueHourRow {
  hour: number;
  currency: string;
  paidOrders: number;
  paidMinor: string | number;
  refundedMinor: string | number;
}

/** Units sold per product, UTC day (days since the epoch) and currency. */
export interface ProductDayRow {
  productId: string;
  day: number;
  currency: string;
  quantity: number;
  revenueMinor: string | number;
}

export interface ProductRow {
  productId: string;
  name: string | null;
  namedAt: Date | null;
  /** The catalog's version of the name; null when named by an event from before versions. */
  nameVersion: number | null;
  available: number | null;
  stockVersion: number | null;
}

export interface OrderFactRow {
  orderId: string;
  placedAt: Date | null;
  heldAt: Date | null;
  paidAt: Date | null;
  failedAt: Date | null;
  cancelledAt: Date | null;
  currency: string | null;
  totalMinor: string | number | null;
  linesJson: string | null;
  revenueCounted: boolean;
  unitsCounted: boolean;
}

const count = (name: string) => ({ name, type: Number });

export const ActivityHourEntity = new EntitySchema<ActivityHourRow>({
  name: 'AnalyticsActivityHour',
  tableName: 'activity_hours',
  columns: {
    hour: { name: 'hour', type: Number, primary: true },
    placed: count('placed'),
    held: count('held'),
    paid: count('paid'),
    cancelled: count('cancelled'),
    registered: count('registered'),
    failedOutOfStock: count('failed_out_of_stock'),
    failedPaymentDeclined: count('failed_payment_declined'),
    failedReservationExpired: count('failed_reservation_expired'),
    failedFraudSuspected: count('failed_fraud_suspected'),
  },
});

export const RevenueHourEntity = new EntitySchema<RevenueHourRow>({
  name: 'AnalyticsRevenueHour',
  tableName: 'revenue_hours',
  columns: {
    hour: { name: 'hour', type: Number, primary: true },
    currency: { name: 'currency', type: String, primary: true },
    paidOrders: count('paid_orders'),
    paidMinor: { name: 'paid_minor', type: 'bigint' },
    refundedMinor: { name: 'refunded_minor', type: 'bigint' },
  },
});

export const ProductDayEntity = new EntitySchema<ProductDayRow>({
  name: 'AnalyticsProductDay',
  tableName: 'product_days',
  columns: {
    productId: { name: 'product_id', type: String, primary: true },
    day: { name: 'day', type: Number, primary: true },
    currency: { name: 'currency', type: String, primary: true },
    quantity: count('quantity'),
    revenueMinor: { name: 'revenue_minor', type: 'bigint' },
  },
});

export const ProductEntity = new EntitySchema<ProductRow>({
  name: 'AnalyticsProduct',
  tableName: 'products',
  columns: {
    productId: { name: 'product_id', type: String, primary: true },
    name: { name: 'name', type: String, nullable: true },
    namedAt: { name: 'named_at', type: Date, nullable: true },
    nameVersion: { name: 'name_version', type: Number, nullable: true },
    available: { name: 'available', type: Number, nullable: true },
    stockVersion: { name: 'stock_version', type: Number, nullable: true },
  },
});

export const OrderFactEntity = new EntitySchema<OrderFactRow>({
  name: 'AnalyticsOrderFact',
  tableName: 'order_facts',
  columns: {
    orderId: { name: 'order_id', type: String, primary: true },
    placedAt: { name: 'placed_at', type: Date, nullable: true },
    heldAt: { name: 'held_at', type: Date, nullable: true },
    paidAt: { name: 'paid_at', type: Date, nullable: true },
    failedAt: { name: 'failed_at', type: Date, nullable: true },
    cancelledAt: { name: 'cancelled_at', type: Date, nullable: true },
    currency: { name: 'currency', type: String, nullable: true },
    totalMinor: { name: 'total_minor', type: 'bigint', nullable: true },
    linesJson: { name: 'lines_json', type: String, nullable: true },
    revenueCounted: { name: 'revenue_counted', type: Boolean },
    unitsCounted: { name: 'units_counted', type: Boolean },
  },
});

export const analyticsEntities = [
  ActivityHourEntity,
  RevenueHourEntity,
  ProductDayEntity,
  ProductEntity,
  OrderFactEntity,
];
