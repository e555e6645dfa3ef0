/** What a process saw of an event's failed deliveries to one subscriber: the last reason and how many failed. */
export interface DeliveryFailure {
  error: string;
  attempts: number;
}

/** Remembered per process, newest last; the oldest are forgotten past this (a flood of failures stays bounded). */
const maxRemembered = 10_000;
const lastErrorMaxLength = 2_000;
const failures = new Map<string, DeliveryFailure>();

const keyOf = (appId: string, topic: string, eventId: string) => `${appId}\u0000${topic}\u0000${eventId}`;

/**
 * Notes that a delivery of `eventId` on `topic` to `appId` failed, so that the dead letter it may become says why.
 * Kept in memory: neither daprd nor the embedded bus passes the reason along with a dead letter, and a failure is
 * rare enough that remembering it here costs nothing on the paths that succeed. A redelivery that another replica
 * failed is not seen here: its dead letter then says so (see takeDeliveryFailure).
 */
export function recordDeliveryFailure(appId: string, topic: string, eventId: string, reason: unknown): void {
  const key = keyOf(appId, topic, eventId);
  const previous = failures.get(key);
  failures.delete(key);
  failures.set(key, { error: describe(reason), attempts: (previous?.attempts ?? 0) + 1 });
  if (failures.size > maxRemembered) {
    const oldest = failures.keys().next().value;
    if (oldest !== undefined) failures.delete(oldest);
  }
}

/** A delivery succeeded after failing: what was noted for it goes (nothing is looked up while none failed). */
export function clearDeliveryFailure(appId: string, topic: string, eventId: string): void {
  if (failures.size > 0) failures.delete(keyOf(appId, topic, eventId));
}

/** What this process saw fail for the event (and forgets it): the dead letter's error and attempts. */
export function takeDeliveryFailure(appId: string, topic: string, eventId: string): DeliveryFailure | undefined {
  const key = keyOf(appId, topic, eventId);
  const failure = failures.get(key);
  failures.delete(key);
  return failure;
}

function describe(reason: unknown): string {
  const text = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
  return text.slice(0, lastErrorMaxLength);
}
