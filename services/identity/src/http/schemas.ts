import Joi from 'joi';
import { identityLimits } from '../domain/limits';

export const email = Joi.string().trim().email({ tlds: false }).max(identityLimits.emailLength);
/** The policy (domain/password-policy) judges new passwords; this only bounds what is read. */
export const password = Joi.string().min(1).max(1024);
export const name = Joi.string().trim().min(1).max(identityLimits.nameLength);
export const refreshToken = Joi.string().min(1).max(200);

const optionalText = (max: number) => Joi.string().trim().max(max).allow(null, '').empty('').default(null);

export const addressFields = Joi.object({
  label: optionalText(identityLimits.addressLabelLength),
  line1: Joi.string().trim().min(1).max(identityLimits.addressLineLength).required(),
  line2: optionalText(identityLimits.addressLineLength),
  city: Joi.string().trim().min(1).max(identityLimits.cityLength).required(),
  region: optionalText(identityLimits.regionLength),
  postalCode: Joi.string()
    .trim()
    .pattern(/^[A-Za-z0-9][A-Za-z0-9 -]*$/)
    .max(identityLimits.postalCodeLength)
    .required(),
  /** ISO 3166-1 alpha-2. */
  country: Joi.string()
    .trim()
    .uppercase()
    .pattern(/^[A-Z]{2}$/)
    .required(),
  isDefault: Joi.boolean().default(false),
});

export const addressView = Joi.object({
  id: Joi.string().uuid(),
  label: Joi.string().allow(null),
  line1: Joi.string(),
  line2: Joi.string().allow(null),
  city: Joi.string(),
  region: Joi.string().allow(null),
  postalCode: Joi.string(),
  country: Joi.string(),
  isDefault: Joi.boolean(),
});

export const customerView = Joi.object({
  id: Joi.string().uuid(),
  email: Joi.string(),
  name: Joi.string(),
  roles: Joi.array().items(Joi.string().valid('customer', 'admin')),
  createdAt: Joi.string().isoDate(),
  updatedAt: Joi.string().isoDate(),
});

export const profileView = customerView.keys({ addresses: Joi.array().items(addressView) });

export const sessionView = Joi.object({
  accessToken: Joi.string(),
  refreshToken: Joi.string(),
  tokenType: Joi.string().valid('Bearer'),
  expiresIn: Joi.number().integer().description('seconds until the access token expires'),
  refreshExpiresIn: Joi.number().integer().description('seconds until the refresh token expires'),
});

export const idParams = Joi.object({ id: Joi.string().uuid().required() });
