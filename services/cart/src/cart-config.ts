import Joi from 'joi';

/** The cart service's own settings (besides the host's), validated at start. */
export interface CartConfig {
  /** A guest cart expires this many days after its last change (the state store's TTL). */
  GUEST_CART_TTL_DAYS: number;
  /** How long a checkout holds the cart against other writes while it places the order. */
  CART_CHECKOUT_LEASE_SECONDS: number;
  /** How long a checkout's answer is replayed for a retry with the same Idempotency-Key. */
  CART_IDEMPOTENCY_TTL_HOURS: number;
}

export const cartConfigSchema = Joi.object<CartConfig>({
  GUEST_CART_TTL_DAYS: Joi.number().integer().min(1).max(365).default(30),
  CART_CHECKOUT_LEASE_SECONDS: Joi.number().integer().min(5).max(3_600).default(60),
  CART_IDEMPOTENCY_TTL_HOURS: Joi.number().integer().min(1).max(720).default(24),
});
