import Joi from 'joi';

const money = Joi.object({ amount: Joi.number().integer(), currency: Joi.string() });

// Card fields never echo their value in an error message: joi's default pattern message would.
export const placeOrderBody = Joi.object({
  items: Joi.array()
    .items(
      Joi.object({
        productId: Joi.string().uuid().required(),
        quantity: Joi.number().integer().min(1).max(1000).required(),
      }),
    )
    .min(1)
    .max(50)
    .required(),
  shippingAddress: Joi.object({
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
  }).required(),
  payment: Joi.object({
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
  }).required(),
});

export const orderView = Joi.object({
  id: Joi.string().uuid(),
  customerId: Joi.string().uuid(),
  status: Joi.string().valid('Pending', 'Paid', 'Shipped', 'Delivered', 'Failed', 'Cancelled'),
  items: Joi.array().items(
    Joi.object({ productId: Joi.string().uuid(), quantity: Joi.number().integer(), unitPrice: money }),
  ),
  total: money,
  shippingAddress: Joi.object(),
  cardLast4: Joi.string(),
  failureReason: Joi.string().valid('OutOfStock', 'PaymentDeclined', 'ReservationExpired'),
  trackingNumber: Joi.string(),
  createdAt: Joi.string().isoDate(),
  updatedAt: Joi.string().isoDate(),
});

export const orderIdParams = Joi.object({ id: Joi.string().uuid().required() });
