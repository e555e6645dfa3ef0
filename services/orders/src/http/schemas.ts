import { cardRequest, orderLimits, shippingAddressRequest } from '@shop/contracts';
import Joi from 'joi';

const money = Joi.object({ amount: Joi.number().integer(), currency: Joi.string() });

export const placeOrderBody = Joi.object({
  items: Joi.array()
    .items(
      Joi.object({
        productId: Joi.string().uuid().required(),
        quantity: Joi.number().integer().min(1).max(orderLimits.maxQuantity).required(),
      }),
    )
    .min(1)
    .max(orderLimits.maxLines)
    .required(),
  shippingAddress: shippingAddressRequest.required(),
  payment: cardRequest.required(),
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
