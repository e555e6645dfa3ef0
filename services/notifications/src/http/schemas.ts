import Joi from 'joi';
import { settledStatuses } from '../domain/delivery';
import { channels, notificationTypes } from '../domain/notification';

export const notificationIdParams = Joi.object({ id: Joi.string().guid().required() });

const page = {
  limit: Joi.number().integer().min(1).max(100).default(20),
  cursor: Joi.string().max(200),
};

export const listQuery = Joi.object(page);

export const deliveryLogQuery = Joi.object({
  customerId: Joi.string().guid(),
  channel: Joi.string().valid(...channels),
  status: Joi.string().valid(...settledStatuses),
  ...page,
});

export const preferences = Joi.object({
  email: Joi.boolean().strict().required(),
  sms: Joi.boolean().strict().required(),
  inApp: Joi.boolean().strict().required(),
});

export const inAppNotification = Joi.object({
  id: Joi.string().guid().required(),
  type: Joi.string()
    .valid(...notificationTypes)
    .required(),
  title: Joi.string().required(),
  body: Joi.string().required(),
  orderId: Joi.string().guid(),
  createdAt: Joi.string().isoDate().required(),
  readAt: Joi.string().isoDate().allow(null).required(),
});

export const delivery = Joi.object({
  id: Joi.string().guid().required(),
  customerId: Joi.string().guid().required(),
  type: Joi.string()
    .valid(...notificationTypes)
    .required(),
  channel: Joi.string()
    .valid(...channels)
    .required(),
  status: Joi.string()
    .valid(...settledStatuses)
    .required(),
  attempts: Joi.number().integer().min(0).required(),
  createdAt: Joi.string().isoDate().required(),
  sentAt: Joi.string().isoDate(),
  error: Joi.string(),
});

export const pageOf = (item: Joi.Schema) =>
  Joi.object({ items: Joi.array().items(item).required(), nextCursor: Joi.string().allow(null).required() });
