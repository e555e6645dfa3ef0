import Joi from 'joi';
import { identityLimits } from '../domain/limits';
import { canonicalLocale } from '../domain/locale';
import { e164Phone } from '../domain/phone';

export const email = Joi.string().trim().email({ tlds: false }).max(identityLimits.emailLength);
/** The policy (domain/password-policy) judges new passwords; this only bounds what is read. */
export const password = Joi.string().min(1).max(1024);
export const name = Joi.string().trim().min(1).max(identityLimits.nameLength);
export const refreshToken = Joi.string().min(1).max(200);
/** Stored canonical (`de-at` → `de-AT`). */
export const locale = Joi.string()
  .trim()
  .custom((value: string, helpers) => canonicalLocale(value) ?? helpers.error('any.invalid'))
  .messages({ 'any.invalid': '{#label} must be a BCP 47 language tag such as en, de or de-AT' });
/** Typed with spaces, dots, hyphens or parentheses if need be; stored in E.164. Null removes it. */
export const phone = Joi.string()
  .max(40)
  .allow(null)
  .custom((value: string, helpers) => e164Phone(value) ?? helpers.error('any.invalid'))
  .messages({ 'any.invalid': '{#label} must be an international number in E.164 form, such as +491701234567' });

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
  locale: Joi.string().description('BCP 47 language tag'),
  phone: Joi.string().allow(null).description('E.164'),
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
