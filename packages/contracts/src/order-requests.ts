import Joi from 'joi';

/**
 * The parts of POST /api/orders that other entry points to an order take as they are (the cart's checkout):
 * one schema each, so a body orders would refuse is refused alike, with the same field names, wherever it comes in.
 */
/** The most lines, and units of one product, one order takes (POST /api/orders refuses more with 400). */
export const orderLimits = { maxLines: 50, maxQuantity: 1000 } as const;

export interface ShippingAddressRequest {
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode: string;
  country: string;
}

export interface CardRequest {
  cardNumber: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export const shippingAddressRequest = Joi.object<ShippingAddressRequest>({
  line1: Joi.string().trim().min(1).max(200).required(),
  line2: Joi.string().trim().max(200).allow(''),
  city: Joi.string().trim().min(1).max(100).required(),
  region: Joi.string().trim().max(100).allow(''),
  postalCode: Joi.string()
    .trim()
    .max(20)
    .pattern(/^[A-Za-z0-9][A-Za-z0-9 -]*$/)
    .required()
    .messages({ 'string.pattern.base': 'must be letters, digits, spaces or dashes' }),
  country: Joi.string()
    .trim()
    .uppercase()
    .pattern(/^[A-Z]{2}$/)
    .required()
    .messages({ 'string.pattern.base': 'must be an ISO 3166-1 alpha-2 code' }),
});

// Card fields never echo their value in an error message: joi's default pattern message would.
export const cardRequest = Joi.object<CardRequest>({
  cardNumber: Joi.string()
    .pattern(/^[0-9 ]{12,23}$/)
    .required()
    .messages({ 'string.pattern.base': 'must be 12 to 19 digits', 'string.base': 'must be a string of digits' }),
  expMonth: Joi.number().integer().min(1).max(12).required(),
  expYear: Joi.number().integer().min(2000).max(2100).required(),
  cvc: Joi.string()
    .pattern(/^[0-9]{3,4}$/)
    .required()
    .messages({ 'string.pattern.base': 'must be 3 or 4 digits', 'string.base': 'must be a string of digits' }),
});
