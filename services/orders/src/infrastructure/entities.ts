import { EntitySchema } from 'typeorm';

/**
 * An `orders` row. The lines and the shipping address are written once at placement and never change, so they
 * are JSON columns: one insert per order instead of one per line, and no join to read an order.
 */
export interface OrderRow {
  id: string;
  customerId: string;
  status: string;
  itemsJson: string;
  totalAmount: number;
  currency: string;
  shippingAddressJson: string;
  paymentMethodId: string;
  cardLast4: string;
  failureReason: string | null;
  trackingNumber: string | null;
  riskScore: number | null;
  /** The reasons' codes as a JSON array. */
  riskReasonsJson: string | null;
  reviewDecision: string | null;
  reviewNote: string | null;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const OrderEntity = new EntitySchema<OrderRow>({
  name: 'OrdersOrder',
  tableName: 'orders',
  columns: {
    id: { name: 'id', type: String, primary: true },
    customerId: { name: 'customer_id', type: String },
    status: { name: 'status', type: String },
    itemsJson: { name: 'items_json', type: String },
    totalAmount: {
      name: 'total_amount',
      type: 'bigint',
      transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) },
    },
    currency: { name: 'currency', type: String },
    shippingAddressJson: { name: 'shipping_address_json', type: String },
    paymentMethodId: { name: 'payment_method_id', type: String },
    cardLast4: { name: 'card_last4', type: String },
    failureReason: { name: 'failure_reason', type: String, nullable: true },
    trackingNumber: { name: 'tracking_number', type: String, nullable: true },
    riskScore: { name: 'risk_score', type: 'integer', nullable: true },
    riskReasonsJson: { name: 'risk_reasons_json', type: String, nullable: true },
    reviewDecision: { name: 'review_decision', type: String, nullable: true },
    reviewNote: { name: 'review_note', type: String, nullable: true },
    reviewedBy: { name: 'reviewed_by', type: String, nullable: true },
    reviewedAt: { name: 'reviewed_at', type: Date, nullable: true },
    createdAt: { name: 'created_at', type: Date },
    updatedAt: { name: 'updated_at', type: Date },
  },
});

export const ordersEntities = [OrderEntity];
