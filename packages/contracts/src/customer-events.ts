import Joi from 'joi';
import { eventContract } from './event-contract';
import { instant, uuid } from './schema-parts';
import { topics } from './topics';

export interface CustomerRegistered {
  customerId: string;
  email: string;
  name: string;
  registeredAt: string;
}

export interface CustomerDeleted {
  customerId: string;
  deletedAt: string;
}

export const CustomerRegistered = eventContract<CustomerRegistered>(
  topics.customerRegistered,
  Joi.object<CustomerRegistered, true>({
    customerId: uuid.required(),
    email: Joi.string().min(3).max(254).required(),
    name: Joi.string().min(1).max(200).required(),
    registeredAt: instant.required(),
  }),
);

export const CustomerDeleted = eventContract<CustomerDeleted>(
  topics.customerDeleted,
  Joi.object<CustomerDeleted, true>({ customerId: uuid.required(), deletedAt: instant.required() }),
);
