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

/** customers.customer-updated: the profile as it is after a change (consumers keep a copy for contacting the customer). */
export interface CustomerUpdated {
  customerId: string;
  email: string;
  name: string;
  /** BCP 47 language tag of the customer's language (`en`, `de`, ...). */
  locale: string;
  /** E.164, or null when the customer gave none. */
  phone: string | null;
  updatedAt: string;
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
    locale: Joi.string()
      .pattern(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/)
      .required(),
    phone: Joi.string()
      .pattern(/^\+[1-9][0-9]{6,14}$/)
      .allow(null)
      .required(),
    updatedAt: instant.required(),
  }),
);

export const CustomerDeleted = eventContract<CustomerDeleted>(
  topics.customerDeleted,
  Joi.object<CustomerDeleted, true>({ customerId: uuid.required(), deletedAt: instant.required() }),
);
