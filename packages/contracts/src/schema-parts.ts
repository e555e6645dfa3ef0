import Joi from 'joi';

/** Ids the platform hands out: UUIDs, lowercase as every service stores them. */
export const uuid = Joi.string().guid().lowercase();
/** Instants as ISO 8601 UTC strings (Date.toISOString). */
export const instant = Joi.string().isoDate();
export const money = Joi.object({
  amount: Joi.number().integer().min(0).max(Number.MAX_SAFE_INTEGER).required(),
  currency: Joi.string()
    .pattern(/^[A-Z]{3}$/)
    .required(),
});
export const count = Joi.number().integer().min(0);
