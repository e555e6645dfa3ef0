import { refundReasonMaxLength } from './refund';

/** Lengths of the payments' ids and texts: what its tables store and its requests and events accept. */
export const paymentsLimits = {
  idLength: 36,
  paymentMethodIdLength: 64,
  gatewayIdLength: 64,
  refundReasonLength: refundReasonMaxLength,
} as const;
