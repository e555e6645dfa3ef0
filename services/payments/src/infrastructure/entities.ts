import { EntitySchema, type ValueTransformer } from 'typeorm';

/** bigint columns come back as strings from PostgreSQL and SQL Server; amounts stay far below 2^53. */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/** A `payments` row: the amount is minor units of `currency`; the card is a token, its brand and last four. */
export interface PaymentRow {
  id: string;
  orderId: string;
  customerId: string;
  status: string;
  amount: number;
  currency: string;
  refundedAmount: number;
  paymentMethodId: string;
  cardBrand: string | null;
  cardLast4: string | null;
  authorizationId: string | null;
  captureId: string | null;
  failureReason: string | null;
  reviewRequired: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface RefundRow {
  id: string;
  paymentId: string;
  orderId: string;
  amount: number;
  currency: string;
  reason: string;
  gatewayRefundId: string;
  createdAt: Date;
}

export const PaymentEntity = new EntitySchema<PaymentRow>({
  name: 'PaymentsPayment',
  tableName: 'payments',
  columns: {
    id: { name: 'id', type: String, primary: true },
    orderId: { name: 'order_id', type: String },
    customerId: { name: 'customer_id', type: String },
    status: { name: 'status', type: String },
    amount: { name: 'amount', type: 'bigint', transformer: bigintNumber },
    currency: { name: 'currency', type: String },
    refundedAmount: { name: 'refunded_amount', type: 'bigint', transformer: bigintNumber },
    paymentMethodId: { name: 'payment_method_id', type: String },
    cardBrand: { name: 'card_brand', type: String, nullable: true },
    cardLast4: { name: 'card_last4', type: String, nullable: true },
    authorizationId: { name: 'authorization_id', type: String, nullable: true },
    captureId: { name: 'capture_id', type: String, nullable: true },
    failureReason: { name: 'failure_reason', type: String, nullable: true },
    // SQLite and SQL Server answer 0/1: read back as a boolean everywhere.
    reviewRequired: {
      name: 'review_required',
      type: Boolean,
      transformer: { to: (v: boolean) => v, from: (v: boolean | number) => Boolean(v) },
    },
    createdAt: { name: 'created_at', type: Date },
    updatedAt: { name: 'updated_at', type: Date },
  },
});

export const RefundEntity = new EntitySchema<RefundRow>({
  name: 'PaymentsRefund',
  tableName: 'refunds',
  columns: {
    id: { name: 'id', type: String, primary: true },
    paymentId: { name: 'payment_id', type: String },
    orderId: { name: 'order_id', type: String },
    amount: { name: 'amount', type: 'bigint', transformer: bigintNumber },
    currency: { name: 'currency', type: String },
    reason: { name: 'reason', type: String },
    gatewayRefundId: { name: 'gateway_refund_id', type: String },
    createdAt: { name: 'created_at', type: Date },
  },
});

export const paymentsEntities = [PaymentEntity, RefundEntity];
