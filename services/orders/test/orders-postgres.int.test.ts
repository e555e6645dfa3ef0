import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createDataSource, createLogger, type HandlerContext, OutboxEvent, transaction } from '@shop/kit';
import { type PostgresServer, startPostgres } from '@shop/testkit/src/postgres';
import type { DataSource } from 'typeorm';
import { moveOrder } from '../src/application/move-order';
import type { Order } from '../src/domain/order';
import { ordersEntities } from '../src/infrastructure/entities';
import { ordersMigrations } from '../src/infrastructure/migrations';
import { storeOfTx } from '../src/infrastructure/typeorm-store';

const logDir = join(resolve(__dirname, '../../..'), '.tmp/test-logs/orders-postgres');
const ctx: HandlerContext = { log: createLogger({ name: 'orders-postgres-test', level: 'fatal' }) };

let postgres: PostgresServer;
let dataSource: DataSource;

beforeAll(async () => {
  postgres = await startPostgres({ logDir });
  dataSource = createDataSource(await postgres.createDatabase('orders'), {
    entities: ordersEntities,
    migrations: ordersMigrations,
    poolSize: 10,
  });
  await dataSource.initialize();
}, 120_000);

afterAll(async () => {
  await dataSource?.destroy();
  await postgres?.stop();
});

function anOrder(): Order {
  const createdAt = new Date('2026-03-01T10:00:00.000Z');
  return {
    id: randomUUID(),
    customerId: 'customer-1',
    status: 'Pending',
    items: [{ productId: 'p-1', quantity: 2, unitPrice: { amount: 1250, currency: 'EUR' } }],
    total: { amount: 2500, currency: 'EUR' },
    shippingAddress: { line1: '1 Road', city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' },
    paymentMethodId: 'pm-1',
    cardLast4: '4242',
    failureReason: null,
    trackingNumber: null,
    risk: { score: 12, reasons: ['many-units'] },
    review: null,
    createdAt,
    updatedAt: createdAt,
  };
}

async function placed(): Promise<Order> {
  const order = anOrder();
  await transaction(dataSource, (tx) => storeOfTx(tx).orders.insert(order));
  return order;
}

describe('the orders store on PostgreSQL', () => {
  it('answers the order as the conditional UPDATE left it, every column read back', async () => {
    const order = await placed();
    const paidAt = new Date('2026-03-01T10:00:05.000Z');
    const moved = await transaction(dataSource, (tx) =>
      storeOfTx(tx).orders.move(order.id, ['Pending'], 'Paid', { updatedAt: paidAt }),
    );
    expect(moved).toEqual({ ...order, status: 'Paid', updatedAt: paidAt });
    expect(await transaction(dataSource, (tx) => storeOfTx(tx).orders.byId(order.id))).toEqual(moved);
  });

  it('answers null, and changes nothing, when the status is not one the move leaves', async () => {
    const order = await placed();
    const failed = await transaction(dataSource, (tx) =>
      storeOfTx(tx).orders.move(order.id, ['Paid'], 'Shipped', { updatedAt: new Date(), trackingNumber: 'T-1' }),
    );
    expect(failed).toBeNull();
    expect(await transaction(dataSource, (tx) => storeOfTx(tx).orders.byId(order.id))).toEqual(order);
    expect(
      await transaction(dataSource, (tx) =>
        storeOfTx(tx).orders.move(randomUUID(), ['Pending'], 'Paid', { updatedAt: new Date() }),
      ),
    ).toBeNull();
  });

  it('keeps the review with the move out of OnHold, read back from RETURNING as from a SELECT', async () => {
    const order = {
      ...anOrder(),
      status: 'OnHold' as const,
      risk: { score: 100, reasons: ['customer-velocity' as const] },
    };
    await transaction(dataSource, (tx) => storeOfTx(tx).orders.insert(order));
    const at = new Date('2026-03-01T10:02:00.000Z');
    const review = { decision: 'reject' as const, note: 'card testing', reviewerId: 'admin-1', at };
    const moved = await transaction(dataSource, (tx) =>
      storeOfTx(tx).orders.move(order.id, ['OnHold'], 'Failed', {
        updatedAt: at,
        failureReason: 'FraudSuspected',
        review,
      }),
    );
    expect(moved).toEqual({ ...order, status: 'Failed', failureReason: 'FraudSuspected', review, updatedAt: at });
    expect(await transaction(dataSource, (tx) => storeOfTx(tx).orders.byId(order.id))).toEqual(moved);
  });

  it("counts a customer's orders placed since an instant, leaving out the one being placed", async () => {
    const customerId = randomUUID();
    const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 10, minute));
    const orders = [0, 5, 9, 12].map((minute) => ({
      ...anOrder(),
      customerId,
      createdAt: at(minute),
      updatedAt: at(minute),
    }));
    await transaction(dataSource, async (tx) => {
      for (const order of orders) await storeOfTx(tx).orders.insert(order);
      await storeOfTx(tx).orders.insert({ ...anOrder(), createdAt: at(9), updatedAt: at(9) });
    });
    const count = (since: Date, excluding: string) =>
      transaction(dataSource, (tx) => storeOfTx(tx).orders.countPlacedSince(customerId, since, excluding));
    expect(await count(at(5), randomUUID())).toBe(3);
    expect(await count(at(5), orders[3]?.id ?? '')).toBe(2);
    expect(await count(at(13), randomUUID())).toBe(0);
  });

  it('moves an order once when two saga steps race for it, and announces only that move', async () => {
    const order = await placed();
    const at = new Date('2026-03-01T10:01:00.000Z');
    const results = await Promise.all([
      transaction(dataSource, (tx) => moveOrder(ctx, { orderId: order.id, to: 'Paid', at }, { store: storeOfTx(tx) })),
      transaction(dataSource, (tx) =>
        moveOrder(ctx, { orderId: order.id, to: 'Failed', at, failureReason: 'OutOfStock' }, { store: storeOfTx(tx) }),
      ),
    ]);
    expect(results.filter((result) => result.moved)).toHaveLength(1);
    const final = await transaction(dataSource, (tx) => storeOfTx(tx).orders.byId(order.id));
    const winner = results.find((result) => result.moved);
    expect(final).toEqual(winner?.order);
    const loser = results.find((result) => !result.moved);
    expect(loser?.order?.status).toBe(final?.status);
    const announced = await dataSource.manager.findBy(OutboxEvent, {});
    const aboutThisOrder = announced.filter((row) => JSON.parse(row.payload).orderId === order.id);
    expect(aboutThisOrder).toHaveLength(1);
  });
});
