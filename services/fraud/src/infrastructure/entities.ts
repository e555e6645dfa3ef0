import { EntitySchema, type ValueTransformer } from 'typeorm';

/** bigint columns come back as strings from PostgreSQL and SQL Server; the sums stay far below 2^53. */
const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

export interface AssessmentRow {
  orderId: string;
  customerId: string;
  cardFingerprint: string;
  cardCountry: string | null;
  shippingCountry: string;
  currency: string;
  total: number;
  units: number;
  score: number;
  /** The reasons' codes, comma-separated, in the answer's order. */
  reasons: string;
  placedAt: Date;
  assessedAt: Date;
}

export interface CustomerProfileRow {
  customerId: string;
  registeredAt: Date;
}

export interface CustomerAmountsRow {
  customerId: string;
  currency: string;
  paidOrders: number;
  logMicrosSum: number;
  logSquareMicrosSum: number;
}

/** Per customer: assessments ever counted. The row is the lock that orders concurrent assessments of the customer. */
export interface CustomerAssessmentCountRow {
  customerId: string;
  assessments: number;
}

export interface ShopAmountBucketRow {
  currency: string;
  bucket: number;
  assessments: number;
}

export interface DeclineRow {
  orderId: string;
  customerId: string;
  cardFingerprint: string;
  failedAt: Date;
}

export const AssessmentEntity = new EntitySchema<AssessmentRow>({
  name: 'FraudAssessment',
  tableName: 'assessments',
  columns: {
    orderId: { name: 'order_id', type: String, primary: true },
    customerId: { name: 'customer_id', type: String },
    cardFingerprint: { name: 'card_fingerprint', type: String },
    cardCountry: { name: 'card_country', type: String, nullable: true },
    shippingCountry: { name: 'shipping_country', type: String },
    currency: { name: 'currency', type: String },
    total: { name: 'total', type: 'bigint', transformer: bigintNumber },
    units: { name: 'units', type: Number },
    score: { name: 'score', type: Number },
    reasons: { name: 'reasons', type: String },
    placedAt: { name: 'placed_at', type: Date },
    assessedAt: { name: 'assessed_at', type: Date },
  },
});

export const CustomerProfileEntity = new EntitySchema<CustomerProfileRow>({
  name: 'FraudCustomerProfile',
  tableName: 'customer_profiles',
  columns: {
    customerId: { name: 'customer_id', type: String, primary: true },
    registeredAt: { name: 'registered_at', type: Date },
  },
});

export const CustomerAmountsEntity = new EntitySchema<CustomerAmountsRow>({
  name: 'FraudCustomerAmounts',
  tableName: 'customer_amounts',
  columns: {
    customerId: { name: 'customer_id', type: String, primary: true },
    currency: { name: 'currency', type: String, primary: true },
    paidOrders: { name: 'paid_orders', type: Number },
    logMicrosSum: { name: 'log_micros_sum', type: 'bigint', transformer: bigintNumber },
    logSquareMicrosSum: { name: 'log_square_micros_sum', type: 'bigint', transformer: bigintNumber },
  },
});

export const CustomerAssessmentCountEntity = new EntitySchema<CustomerAssessmentCountRow>({
  name: 'FraudCustomerAssessmentCount',
  tableName: 'customer_assessment_counts',
  columns: {
    customerId: { name: 'customer_id', type: String, primary: true },
    assessments: { name: 'assessments', type: Number },
  },
});

export const ShopAmountBucketEntity = new EntitySchema<ShopAmountBucketRow>({
  name: 'FraudShopAmountBucket',
  tableName: 'shop_amount_buckets',
  columns: {
    currency: { name: 'currency', type: String, primary: true },
    bucket: { name: 'bucket', type: Number, primary: true },
    assessments: { name: 'assessments', type: Number },
  },
});

export const DeclineEntity = new EntitySchema<DeclineRow>({
  name: 'FraudDecline',
  tableName: 'declines',
  columns: {
    orderId: { name: 'order_id', type: String, primary: true },
    customerId: { name: 'customer_id', type: String },
    cardFingerprint: { name: 'card_fingerprint', type: String },
    failedAt: { name: 'failed_at', type: Date },
  },
});

export const fraudEntities = [
  AssessmentEntity,
  CustomerProfileEntity,
  CustomerAmountsEntity,
  CustomerAssessmentCountEntity,
  ShopAmountBucketEntity,
  DeclineEntity,
];
