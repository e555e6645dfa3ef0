import { randomUUID } from 'node:crypto';
import { createLogger } from '@shop/kit';
import { rankedNeighbours } from '../../src/application/neighbours';
import { recommendForCustomer, recommendForProduct } from '../../src/application/recommend';
import { addCoPurchases } from '../../src/domain/co-occurrence';
import { maxGrowthExponent, weightOfEvent } from '../../src/domain/decay';
import { dayMs, modelWorld } from '../support/model-world';

const ctx = { log: createLogger({ name: 'recommendations-test', level: 'fatal' }) };
const topNeighbour = async (world: ReturnType<typeof modelWorld>, id: string) =>
  (await rankedNeighbours(id, world.model))[0]?.productId;

describe('the item-to-item model', () => {
  it('makes the products of a bundle each other’s first neighbour', async () => {
    const world = modelWorld();
    const tent = world.product('tent');
    const pegs = world.product('pegs');
    const stove = world.product('stove');
    const mug = world.product('mug');
    const lamp = world.product('lamp');
    for (let i = 0; i < 6; i++) await world.paid(`c${i}`, [tent, pegs]);
    await world.paid('c9', [tent, stove]);
    await world.paid('c8', [mug, lamp, stove]);
    expect(await topNeighbour(world, tent)).toBe(pegs);
    expect(await topNeighbour(world, pegs)).toBe(tent);
    const score = (await rankedNeighbours(tent, world.model))[0]?.score ?? 0;
    expect(score).toBeGreaterThan(0.8);
    expect(score).toBeLessThanOrEqual(1);
  });

  it('lets recent behaviour win through decay, and only through decay', async () => {
    const run = async (halfLifeDays: number) => {
      const world = modelWorld({ halfLifeMs: halfLifeDays * dayMs });
      const a = world.product('a');
      const old = world.product('old');
      const recent = world.product('recent');
      for (let i = 0; i < 10; i++) await world.paid(`c${i}`, [a, old]);
      world.advance(60 * dayMs);
      for (let i = 0; i < 4; i++) await world.paid(`d${i}`, [a, recent]);
      return { top: await topNeighbour(world, a), old, recent };
    };
    const decayed = await run(7);
    expect(decayed.top).toBe(decayed.recent);
    // Without (practically) any decay the ten old orders outweigh the four new ones.
    const everlasting = await run(100_000);
    expect(everlasting.top).toBe(everlasting.old);
  });

  it('keeps a bestseller bought with everything from topping the lists (cosine normalisation)', async () => {
    const world = modelWorld();
    const phone = world.product('phone');
    const casing = world.product('casing');
    const charger = world.product('charger');
    // The charger goes with most orders of the shop: more often with the phone than the casing does.
    for (let i = 0; i < 5; i++) await world.paid(`p${i}`, [phone, casing]);
    for (let i = 0; i < 8; i++) await world.paid(`q${i}`, [phone, charger]);
    for (let i = 0; i < 200; i++) await world.paid(`r${i}`, [world.product(`other-${i}`), charger]);
    const neighbours = await rankedNeighbours(phone, world.model);
    expect(neighbours[0]?.productId).toBe(casing);
    expect(neighbours.map((n) => n.productId)).toContain(charger);
  });

  it('holds at most the bound of candidates per product, evicting the lightest', async () => {
    const world = modelWorld({ maxCandidates: 10 });
    const hub = world.product('hub');
    for (let i = 0; i < 40; i++) await world.paid(`c${i}`, [hub, world.product(`p${i}`), world.product(`q${i}`)]);
    for (const [, list] of world.model.candidateLists) expect(list.size).toBeLessThanOrEqual(10);
    // Bought three times with the hub, p0 has more evidence than the twenty partners bought once after it: it stays
    // while they push each other out.
    for (let i = 0; i < 3; i++) await world.paid(`again${i}`, [hub, 'p0']);
    for (let i = 40; i < 60; i++) await world.paid(`c${i}`, [hub, world.product(`p${i}`)]);
    const list = world.model.candidateLists.get(hub);
    expect(list?.size).toBe(10);
    expect(list?.get('p0')).toBeGreaterThanOrEqual(3);
    expect(list?.has('p40')).toBe(false);
    const small = new Map([
      ['strong', 5],
      ['weak', 1],
    ]);
    expect(addCoPurchases(small, ['fresh'], 2, 2)).toEqual(['weak']);
    expect([...small.keys()].sort()).toEqual(['fresh', 'strong']);
  });

  it('rebases the growing weights before they get large, keeping every ratio', async () => {
    const halfLifeMs = dayMs;
    expect(weightOfEvent(0, undefined, halfLifeMs).rebase).toEqual({ divideBy: 1, baseAtMs: 0 });
    const far = weightOfEvent((maxGrowthExponent + 2) * dayMs, 0, halfLifeMs);
    expect(far).toEqual({ weight: 1, rebase: { divideBy: 2 ** (maxGrowthExponent + 2), baseAtMs: 42 * dayMs } });

    const world = modelWorld({ halfLifeMs });
    const a = world.product('a');
    const b = world.product('b');
    const c = world.product('c');
    for (let day = 0; day < 200; day++) {
      await world.paid(`x${day}`, day % 3 === 0 ? [a, c] : [a, b]);
      world.advance(dayMs);
    }
    for (const weight of world.model.productWeightsById.values()) {
      expect(weight).toBeLessThan(2 ** (maxGrowthExponent + 1));
    }
    expect(await topNeighbour(world, a)).toBe(b);
  });

  it('never recommends the product itself, nor archived or unavailable products, and tops up with bestsellers', async () => {
    const world = modelWorld();
    const a = world.product('a');
    const b = world.product('b');
    const archived = world.product('archived');
    const soldOut = world.product('sold-out');
    const best = world.product('best');
    const other = world.product('other');
    world.product(other, { categoryId: 'cat-2' });
    for (let i = 0; i < 3; i++) await world.paid(`c${i}`, [a, b, archived, soldOut]);
    for (let i = 0; i < 5; i++) await world.paid(`d${i}`, [best, other]);
    world.product(archived, { status: 'archived' });
    world.product(soldOut, { available: 0 });
    const answer = await recommendForProduct(ctx, { productId: a, limit: 5 }, world.reads);
    expect(answer).toEqual({
      ok: true,
      items: [
        expect.objectContaining({ productId: b, name: 'product b', score: expect.any(Number) }),
        expect.objectContaining({ productId: best, score: 0 }),
      ],
    });
    expect(await recommendForProduct(ctx, { productId: 'unknown', limit: 5 }, world.reads)).toEqual({
      ok: false,
      reason: 'unknown-product',
    });
  });

  it('recommends a customer the neighbours of what they bought, never what they bought', async () => {
    const world = modelWorld();
    const tent = world.product('tent');
    const pegs = world.product('pegs');
    const stove = world.product('stove');
    const fuel = world.product('fuel');
    for (let i = 0; i < 4; i++) await world.paid(`c${i}`, [tent, pegs]);
    for (let i = 0; i < 4; i++) await world.paid(`d${i}`, [stove, fuel]);
    await world.paid('e', [tent, stove]);
    const customer = randomUUID();
    await world.paid(customer, [tent]);
    await world.paid(customer, [stove]);
    const items = await recommendForCustomer(ctx, { customerId: customer, limit: 10 }, world.reads);
    const ids = items.map((item) => item.productId);
    expect(ids.slice(0, 2).sort()).toEqual([fuel, pegs].sort());
    expect(ids).not.toContain(tent);
    expect(ids).not.toContain(stove);
    expect(await recommendForCustomer(ctx, { customerId: randomUUID(), limit: 5 }, world.reads)).toEqual([]);
  });
});
