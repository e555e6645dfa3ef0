import { localeOf } from '../src/domain/customer-contact';
import { canMoveDelivery, deliverySourcesOf, deliveryTransitions, settledStatuses } from '../src/domain/delivery';
import { defaultRetrySchedule, nextAttemptAt, retryDelayMs } from '../src/domain/retry-schedule';

describe('the delivery state machine', () => {
  it('never moves a settled delivery again', () => {
    for (const status of settledStatuses) expect(deliveryTransitions[status]).toEqual([]);
  });

  it('records an attempt only from a claim, and claims only what waits or whose claim lapsed', () => {
    expect(deliverySourcesOf('Sent')).toEqual(['Sending']);
    expect(deliverySourcesOf('Failed')).toEqual(['Sending']);
    expect(deliverySourcesOf('Sending').sort()).toEqual(['Pending', 'Sending']);
    expect(canMoveDelivery('Pending', 'Sent')).toBe(false);
    expect(canMoveDelivery('Skipped', 'Sending')).toBe(false);
  });
});

describe('the retry schedule', () => {
  it('doubles the delay from 30 s up to 5 minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 9].map((attempts) => retryDelayMs(attempts, defaultRetrySchedule))).toEqual([
      30_000, 60_000, 120_000, 240_000, 300_000, 300_000, 300_000,
    ]);
  });

  it('keeps retrying for at least 10 minutes, then gives up', () => {
    const first = new Date('2026-01-01T00:00:00Z');
    let at = first;
    const attemptsAt: number[] = [];
    for (let attempts = 1; attempts < 100; attempts++) {
      const next = nextAttemptAt(attempts, first, at, defaultRetrySchedule);
      if (!next) break;
      at = next;
      attemptsAt.push((at.getTime() - first.getTime()) / 1000);
    }
    // 30 s, 1:30, 3:30, 7:30, 12:30, then every 5 minutes until 15 minutes have passed.
    expect(attemptsAt).toEqual([30, 90, 210, 450, 750, 1050]);
    expect(nextAttemptAt(attemptsAt.length + 1, first, at, defaultRetrySchedule)).toBeNull();
    expect(Math.max(...attemptsAt)).toBeGreaterThanOrEqual(600);
  });

  it('never gives up before the window is over', () => {
    const first = new Date('2026-01-01T00:00:00Z');
    const justBefore = new Date(first.getTime() + defaultRetrySchedule.retryForMs - 1);
    expect(nextAttemptAt(50, first, justBefore, defaultRetrySchedule)).not.toBeNull();
  });
});

describe('the template locale', () => {
  it("takes the customer's language when there are templates for it, else English", () => {
    expect(localeOf('de')).toBe('de');
    expect(localeOf('de-AT')).toBe('de');
    expect(localeOf('en_GB')).toBe('en');
    expect(localeOf('fr')).toBe('en');
    expect(localeOf(null)).toBe('en');
  });
});
