import { EntitySchema } from 'typeorm';
import { bigintNumber } from '../entities';

/** How the simulated gateway answers for a card, decided when it is vaulted (see testCardBehaviours). */
export type CardBehaviour = 'approve' | 'card-declined' | 'insufficient-funds' | 'expired-card' | 'processing-error';

/** A vaulted card: its token and what may be kept of it. The number and the CVC are not here, nor anywhere. */
export interface GatewayPaymentMethodRow {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  behaviour: string;
  createdAt: Date;
  expiresAt: Date;
}

/** An authorization and, once taken, its capture (the capture id is the charge id). */
export interface GatewayChargeRow {
  id: string;
  idempotencyKey: string;
  paymentMethodId: string;
  brand: string | null;
  last4: string | null;
  amount: number;
  currency: string;
  /** authorized, captured, voided or declined. */
  status: string;
  declineReason: string | null;
  refundedAmount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface GatewayRefundRow {
  id: string;
  idempotencyKey: string;
  chargeId: string;
  amount: number;
  currency: string;
  createdAt: Date;
}

export const GatewayPaymentMethodEntity = new EntitySchema<GatewayPaymentMethodRow>({
  name: 'SimulatedGatewayPaymentMethod',
  tableName: 'gateway_payment_methods',
  columns: {
    id: { name: 'id', type: String, primary: true },
    brand: { name: 'brand', type: String },
    last4: { name: 'last4', type: String },
    expMonth: { name: 'exp_month', type: Number },
    expYear: { name: 'exp_year', type: Number },
    behaviour: { name: 'behaviour', type: String },
    createdAt: { name: 'created_at', type: Date },
    expiresAt: { name: 'expires_at', type: Date },
  },
});

export const GatewayChargeEntity = new EntitySchema<GatewayChargeRow>({
  name: 'SimulatedGatewayCharge',
  tableName: 'gateway_charges',
  columns: {
    id: { name: 'id', type: String, primary: true },
    idempotencyKey: { name: 'idempotency_key', type: String },
    paymentMethodId: { name: 'payment_method_id', type: String },
    brand: { name: 'brand', type: String, nullable: true },
    last4: { name: 'last4', type: String, nullable: true },
    amount: { name: 'amount', type: 'bigint', transformer: bigintNumber },
    currency: { name: 'currency', type: String },
    status: { name: 'status', type: String },
    declineReason: { name: 'decline_reason', type: String, nullable: true },
    refundedAmount: { name: 'refunded_amount', type: 'bigint', transformer: bigintNumber },
    createdAt: { name: 'created_at', type: Date },
    updatedAt: { name: 'updated_at', type: Date },
  },
});

export const GatewayRefundEntity = new EntitySchema<GatewayRefundRow>({
  name: 'SimulatedGatewayRefund',
  tableName: 'gateway_refunds',
  columns: {
    id: { name: 'id', type: String, primary: true },
    idempotencyKey: { name: 'idempotency_key', type: String },
    chargeId: { name: 'charge_id', type: String },
    amount: { name: 'amount', type: 'bigint', transformer: bigintNumber },
    currency: { name: 'currency', type: String },
    createdAt: { name: 'created_at', type: Date },
  },
});

export const simulatedGatewayEntities = [GatewayPaymentMethodEntity, GatewayChargeEntity, GatewayRefundEntity];
