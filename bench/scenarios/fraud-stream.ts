// A generated stream of shop activity with planted fraud, for the fraud scorer's benchmark: normal customers with
// their own baskets, and three kinds of fraud labelled as such. Seeded, so every run scores the same stream.
import type { AssessmentRequest, Money } from '@shop/contracts';

export type Pattern = 'normal' | 'card-testing' | 'account-takeover' | 'velocity-burst';

export type StreamEvent =
  | { kind: 'registered'; at: number; customerId: string }
  | { kind: 'order'; at: number; order: AssessmentRequest; pattern: Pattern; fraud: boolean }
  | { kind: 'declined'; at: number; orderId: string }
  | { kind: 'paid'; at: number; orderId: string; customerId: string; total: Money };

export interface StreamOptions {
  seed: number;
  normalCustomers: number;
  cardTestings: number;
  accountTakeovers: number;
  velocityBursts: number;
  /** How long the stream lasts, in hours. */
  hours: number;
}

export const benchStream: StreamOptions = {
  seed: 19,
  normalCustomers: 800,
  cardTestings: 30,
  accountTakeovers: 40,
  velocityBursts: 25,
  hours: 48,
};

const minuteMs = 60_000;
const dayMs = 86_400_000;
const start = Date.parse('2026-03-01T00:00:00Z');

/** mulberry32: a small, fast, seedable generator (the stream must be the same every run). */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const hex = (length: number) => Array.from({ length }, () => Math.floor(next() * 16).toString(16)).join('');
  return {
    next,
    between: (low: number, high: number) => low + next() * (high - low),
    int: (low: number, high: number) => Math.floor(low + next() * (high - low + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p: number) => next() < p,
    /** exp(N(mu, sigma)) by Box-Muller. */
    logNormal: (median: number, sigma: number) =>
      median * Math.exp(sigma * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())),
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
    fingerprint: () => `fp${hex(30)}`,
  };
}

type Random = ReturnType<typeof generator>;

const homeCountries = ['DE', 'DE', 'DE', 'FR', 'NL', 'AT', 'US'];
const elsewhere = ['GB', 'US', 'NG', 'BR', 'RU', 'CN', 'ID'];

function basket(random: Random, total: number, units: number): AssessmentRequest['items'] {
  const lines = Math.max(1, Math.min(units, random.int(1, 4)));
  const items: AssessmentRequest['items'] = [];
  let left = total;
  let unitsLeft = units;
  for (let line = 0; line < lines; line += 1) {
    const last = line === lines - 1;
    const quantity = last ? unitsLeft : Math.max(1, Math.floor(unitsLeft / (lines - line)));
    const lineTotal = last ? left : Math.floor((total * quantity) / units);
    const unit = Math.max(1, Math.floor(lineTotal / quantity));
    items.push({ productId: random.uuid(), quantity, unitPrice: { amount: unit, currency: 'EUR' } });
    left -= lineTotal;
    unitsLeft -= quantity;
  }
  return items;
}

function order(
  random: Random,
  at: number,
  customerId: string,
  card: { fingerprint: string; country?: string },
  shippingCountry: string,
  amount: number,
  units: number,
): AssessmentRequest {
  const total = { amount: Math.max(100, Math.round(amount)), currency: 'EUR' };
  return {
    orderId: random.uuid(),
    customerId,
    total,
    items: basket(random, total.amount, units),
    shippingCountry,
    card,
    placedAt: new Date(at).toISOString(),
  };
}

/** The stream, in time order: registrations, orders to assess, and what payments and orders say afterwards. */
export function generateStream(options: StreamOptions): StreamEvent[] {
  const random = generator(options.seed);
  const events: StreamEvent[] = [];
  const span = options.hours * 60 * minuteMs;
  const settle = (placed: AssessmentRequest, at: number, declines: boolean) => {
    if (declines) events.push({ kind: 'declined', at: at + random.between(10_000, 40_000), orderId: placed.orderId });
    else {
      events.push({
        kind: 'paid',
        at: at + random.between(30_000, 120_000),
        orderId: placed.orderId,
        customerId: placed.customerId,
        total: placed.total,
      });
    }
  };

  for (let n = 0; n < options.normalCustomers; n += 1) {
    const customerId = random.uuid();
    const home = random.pick(homeCountries);
    // Most registered long before; a few (accounts older than the fraud service) were never heard of.
    if (random.chance(0.9)) {
      events.push({ kind: 'registered', at: start - random.between(2, 400) * dayMs, customerId });
    }
    const card = { fingerprint: random.fingerprint(), ...(random.chance(0.9) ? { country: home } : {}) };
    const usual = random.logNormal(6_000, 0.8);
    const business = random.chance(0.01);
    let at = start + random.between(0, span);
    for (let placed = random.int(2, 8); placed > 0 && at < start + span; placed -= 1) {
      const amount = business ? random.between(510_000, 900_000) : random.logNormal(usual, 0.45);
      const units = random.chance(0.04) ? random.int(10, 16) : random.int(1, 4);
      const shipTo = random.chance(0.05) ? random.pick(elsewhere) : home;
      const next = order(random, at, customerId, card, shipTo, amount, units);
      events.push({ kind: 'order', at, order: next, pattern: 'normal', fraud: false });
      settle(next, at, random.chance(0.03));
      // Now and then a few orders close together (a forgotten item), mostly hours apart.
      at += random.chance(0.15) ? random.between(1, 6) * minuteMs : random.between(2, 20) * 60 * minuteMs;
    }
  }

  for (let n = 0; n < options.cardTestings; n += 1) {
    // A throwaway account tries a stolen card with small orders; the first ones are declined.
    const customerId = random.uuid();
    const at0 = start + random.between(60, span / minuteMs - 60) * minuteMs;
    if (random.chance(0.7)) events.push({ kind: 'registered', at: at0 - random.between(1, 30) * minuteMs, customerId });
    const card = {
      fingerprint: random.fingerprint(),
      ...(random.chance(0.7) ? { country: random.pick(elsewhere) } : {}),
    };
    const shipTo = random.pick(homeCountries);
    const declined = random.int(2, 4);
    let at = at0;
    for (let attempt = 0; attempt < random.int(6, 9); attempt += 1) {
      const next = order(random, at, customerId, card, shipTo, random.between(200, 1_500), 1);
      events.push({ kind: 'order', at, order: next, pattern: 'card-testing', fraud: true });
      settle(next, at, attempt < declined);
      at += random.between(40_000, 90_000);
    }
  }

  for (let n = 0; n < options.accountTakeovers; n += 1) {
    // A new account, a card from another country, and a big basket shipped away.
    const customerId = random.uuid();
    const at = start + random.between(60, span / minuteMs - 60) * minuteMs;
    events.push({ kind: 'registered', at: at - random.between(5, 50) * minuteMs, customerId });
    const card = { fingerprint: random.fingerprint(), country: random.pick(['US', 'GB', 'BR']) };
    const shipTo = random.pick(['NG', 'RU', 'ID', 'DE']);
    const amount = random.between(120_000, 480_000);
    const next = order(random, at, customerId, card, shipTo, amount, random.int(6, 20));
    events.push({ kind: 'order', at, order: next, pattern: 'account-takeover', fraud: true });
    settle(next, at, false);
  }

  for (let n = 0; n < options.velocityBursts; n += 1) {
    // An established account suddenly places order after order on one card within minutes.
    const customerId = random.uuid();
    events.push({ kind: 'registered', at: start - random.between(30, 300) * dayMs, customerId });
    const home = random.pick(homeCountries);
    const card = { fingerprint: random.fingerprint(), country: home };
    let at = start + random.between(60, span / minuteMs - 60) * minuteMs;
    for (let burst = random.int(7, 11); burst > 0; burst -= 1) {
      const next = order(random, at, customerId, card, home, random.logNormal(8_000, 0.6), random.int(1, 3));
      events.push({ kind: 'order', at, order: next, pattern: 'velocity-burst', fraud: true });
      settle(next, at, false);
      at += random.between(30_000, 80_000);
    }
  }

  return events.sort((a, b) => a.at - b.at);
}
