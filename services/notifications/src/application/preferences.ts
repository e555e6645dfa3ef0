import type { HandlerContext } from '@shop/kit';
import { defaultPreferences, type Preferences } from '../domain/customer-contact';
import type { Clock, UnitOfWork } from './ports';

/** The customer's channel preferences; the defaults until they set their own. */
export function preferencesOf(
  _ctx: HandlerContext,
  input: { customerId: string },
  deps: { unitOfWork: UnitOfWork },
): Promise<Preferences> {
  return deps.unitOfWork(async (store) => (await store.preferences.of(input.customerId)) ?? defaultPreferences);
}

/** Replaces the customer's preferences; notifications recorded from now on follow them. */
export function setPreferences(
  _ctx: HandlerContext,
  input: { customerId: string; preferences: Preferences },
  deps: { unitOfWork: UnitOfWork; clock: Clock },
): Promise<Preferences> {
  return deps.unitOfWork(async (store) => {
    await store.preferences.save(input.customerId, input.preferences, deps.clock.now());
    return input.preferences;
  });
}
