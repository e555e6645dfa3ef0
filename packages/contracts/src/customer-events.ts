import Joi from 'joi';
import { eventContract } from './event-contract';
import { instant, uuid } from './schema-parts';
import { topics } from './topics';

export interface CustomerRegistered {
  customerId: string;
  email: string;
  name: string;
  /** The customer's language (BCP 47, e.g. `de`, `en-GB`); absent when not given. */
  locale?: string;
  registeredAt: string;
}

export interface CustomerDeleted {
  customerId: string;
  deletedAt: string;
}

/** customers.customer-updated: the profile as it is now, after any change. */
export interface CustomerUpdated {
  customerId: string;
  email: string;
  name: string;
  locale: string;
  phone: string | null;
  updatedAt: string;
}

export const CustomerRegistered = eventContract<CustomerRegistered>(
  topics.customerRegistered,
  Joi.object<CustomerRegistered, true>({
    customerId: uuid.required(),
    email: Joi.string().min(3).max(254).required(),
    name: Joi.string().min(1).max(200).required(),
    locale: Joi.string().min(2).max(35),
    registeredAt: instant.required(),
  }),
);

export const CustomerUpdated = eventContract<CustomerUpdated>(
  topics.customerUpdated,
  Joi.object<CustomerUpdated, true>({
    customerId: uuid.required(),
    email: Joi.string().min(3).max(254).required(),
    name: Joi.string().min(1).max(200).required(),
    locale: Joi.string().min(2).max(35).required(),
    phone: Joi.string()
      .pattern(/^\+[1-9]\d{1,14}$/)
      .allow(null)
      .required(),
    updatedAt: instant.required(),
  }),
);

export const CustomerDeleted = eventContract<CustomerDeleted>(
  topics.customerDeleted,
  Joi.object<CustomerDeleted, true>({ customerId: uuid.required(), deletedAt: instant.required() }),
);
