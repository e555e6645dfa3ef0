import type { Channel } from './notification';

/** The locales templates exist in; any other falls back to English. */
export const locales = ['en', 'de'] as const;
export type Locale = (typeof locales)[number];

/** The notifications service's copy of what it needs of a customer, kept current from identity's events. */
export interface CustomerContact {
  customerId: string;
  email: string;
  name: string;
  /** As identity has it (`de`, `de-AT`, `en-GB`…); `localeOf` picks the templates. */
  locale: string | null;
  /** E.164, when the customer gave one. */
  phone: string | null;
  updatedAt: Date;
}

/** The templates' locale for a customer's locale: its language when we have it, else English. */
export function localeOf(locale: string | null | undefined): Locale {
  const language = (locale ?? '').toLowerCase().split(/[-_]/)[0];
  return (locales as readonly string[]).includes(language ?? '') ? (language as Locale) : 'en';
}

export type Preferences = Record<Channel, boolean>;

/** CONTRACT.md: email and in-app on, SMS off, until the customer says otherwise. */
export const defaultPreferences: Preferences = { email: true, sms: false, inApp: true };
