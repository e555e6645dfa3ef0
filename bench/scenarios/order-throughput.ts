// Completed orders per second (placed → Paid) through the whole saga: placement at catalog prices, the card
// vaulted, the order scored by the fraud review, stock reserved, the payment authorized and captured, the order Paid
// and the reservation committed. 32 customers, each its own account, place orders in a closed loop (the next order
// once the last one's placement answered) on a running topology over HTTP, next to the raw PostgreSQL rate of a
// minimal order transaction (insert the order, take one unit with a guarded UPDATE) at the same concurrency in the
// same run. The CPU every process spent per order (the topology's processes read from /proc, the load generator's
// own) is printed beside the rate.
// The topology runs with FRAUD_REVIEW_SCORE=101 (bench/run.ts): every order is scored, none is held for review,
// although each customer places far more than the five orders in ten minutes the contract lets through unheld.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type PostgresServer, startPostgres } from '@shop/testkit/src/postgres';
import { Pool } from 'pg';
import { keptAliveHttp } from './kept-alive-http';
import { parentPidOf } from './proc-stat';
import { type CpuByProcess, cpuPerUnit, describeCpuPerUnit, mergeCpu, ownCpu, processTreeCpu } from './process-cpu';
import { drive, percentile, type RateResult } from './rates';
import { developmentAdmin, ShopClient } from './shop-client';
import { describeStatementsPer, statementCounts } from './statement-counts';
import {
  accountStock,
  describeStockAccount,
  type FailedOrderOfProduct,
  type StockAccount,
  type StockLevels,
} from './stock-accounting';

/** Closed-loop customers: each places its next order when its last placement is answered. */
const customerCount = 32;
const productCount = 20;
const plentifulStock = 1_000_000;
/**
 * One product sells out at the start of the run: every customer's first order is for it, 32 at once for 20 units,
 * so "zero oversell" is checked under contention whatever the rate.
 */
const scarceStock = 20;
const loadGenerator = 'load generator (bench process)';

interface OrderView {
  id: string;
  status: string;
  failureReason?: string;
  items: Array<{ productId: string; quantity: number }>;
  createdAt: string;
  updatedAt: string;
}

async function seed(client: ShopClient) {
  const admin = await client.login(developmentAdmin.email, developmentAdmin.password);
  const categoryId = await client.category(admin);
  const products: Array<{ id: string; stock: number }> = [];
  for (let i = 0; i < productCount; i++) {
    const stock = i === 0 ? scarceStock : plentifulStock;
    const id = await client.stockedProduct(admin, {
      skuPrefix: 'BENCH-ORDER',
      name: `Benchmark kettle ${i}`,
      description: 'Boils water for the benchmark.',
      amount: 3900 + i,
      categoryId,
      stock,
    });
    products.push({ id, stock });
  }
  const tokens: string[] = [];
  for (let i = 0; i < customerCount; i++) tokens.push(await client.newCustomer(`Bench buyer ${i}`));
  return { admin, products, tokens };
}

async function allOrders(client: ShopClient, admin: string, status: string): Promise<OrderView[]> {
  const orders: OrderView[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `/api/orders?status=${status}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await client.json('GET', query, undefined, admin);
    orders.push(...(page.items as OrderView[]));
    cursor = page.nextCursor as string | null;
  } while (cursor);
  return orders;
}

async function untilNothingPending(client: ShopClient, admin: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let reported = Date.now();
  while (Date.now() < deadline) {
    const page = await client.json('GET', '/api/orders?status=Pending&limit=100', undefined, admin);
    const pending = (page.items as unknown[]).length;
    if (pending === 0) return;
    if (Date.now() - reported > 5_000) {
      console.error(`  … ${pending}${page.nextCursor ? '+' : ''} orders still Pending`);
      reported = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`orders still Pending ${timeoutMs} ms after the load stopped`);
}

/**
 * Waits until no product holds a reservation: a Paid order's stock is committed when inventory hears the order
 * paid, after the order left Pending, so levels read as soon as nothing is Pending may still show its units reserved.
 */
async function untilReservationsSettle(
  client: ShopClient,
  products: Array<{ id: string }>,
  timeoutMs: number,
): Promise<{ reservedAtFirst: number; waitedMs: number }> {
  const startedAt = Date.now();
  const deadline = startedAt + timeoutMs;
  let reservedAtFirst = 0;
  for (const product of products) {
    let first = true;
    for (;;) {
      const levels = await client.json('GET', `/api/inventory/${product.id}`);
      if (first) reservedAtFirst += Number(levels.reserved);
      first = false;
      if (levels.reserved === 0) break;
      if (Date.now() > deadline)
        throw new Error(`${product.id} still has ${levels.reserved} reserved ${timeoutMs} ms on`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { reservedAtFirst, waitedMs: Date.now() - startedAt };
}

/** The Failed orders with the product, each with its failure reason and what inventory recorded for it. */
async function failedOrdersOf(
  client: ShopClient,
  admin: string,
  productId: string,
  failed: OrderView[],
): Promise<FailedOrderOfProduct[]> {
  const orders: FailedOrderOfProduct[] = [];
  for (const order of failed) {
    const quantity = order.items
      .filter((item) => item.productId === productId)
      .reduce((sum, item) => sum + item.quantity, 0);
    if (quantity === 0) continue;
    const res = await client.send('GET', `/api/inventory/reservations/${order.id}`, undefined, admin);
    if (res.status !== 200 && res.status !== 404) {
      throw new Error(`the reservation of order ${order.id} answered ${res.status}: ${await res.text()}`);
    }
    const reservationStatus = res.status === 404 ? 'none' : String(((await res.json()) as { status: string }).status);
    orders.push({ orderId: order.id, failureReason: order.failureReason ?? 'unknown', quantity, reservationStatus });
  }
  return orders;
}

/** A rate of orders, with the CPU each process spent per order when it was measured. */
export type OrderRate = RateResult & { cpuPerOrder?: CpuByProcess };

/** Where the CPU per order is read from: the topology's process tree, and this process (the load generator). */
export interface OrderCpuSource {
  /** The process the bench started for the topology; every process under it is counted. */
  rootPid: number;
  /** The PostgreSQL server the topology started, counted with it (pg_ctl detaches it from the tree). */
  postgresPort?: number;
}

/** Orders placed by `customerCount` customers in a closed loop for `seconds` on a running topology. */
export async function orderThroughput(
  name: string,
  origin: string,
  seconds: number,
  cpu?: OrderCpuSource,
  /** The services' /metrics, for their SQL statements and transactions per order (statement-counts.ts). */
  metricsUrls: string[] = [],
): Promise<OrderRate> {
  const client = new ShopClient(origin);
  const { admin, products, tokens } = await seed(client);
  const shipping = { line1: '1 Bench Road', city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' };
  const payment = {
    cardNumber: '4242424242424242',
    expMonth: 12,
    expYear: new Date().getUTCFullYear() + 2,
    cvc: '123',
  };
  let accepted = 0;
  let refused = 0;
  let sequence = 0;
  const http = keptAliveHttp(customerCount);
  const place = async (customer: number, scarce = false) => {
    const product = (scarce ? products[0] : products[1 + (sequence++ % (products.length - 1))]) as { id: string };
    const status = await http.statusOf(
      `${origin}/api/orders`,
      'POST',
      { authorization: `Bearer ${tokens[customer]}` },
      JSON.stringify({ items: [{ productId: product.id, quantity: 1 }], shippingAddress: shipping, payment }),
    );
    if (status === 202) accepted++;
    else refused++;
  };
  const customers = Array.from({ length: customerCount }, (_, customer) => customer);
  // Warm-up (JIT, pools, caches), settled before the clock and the CPU readings start.
  for (const customer of customers) await place(customer);
  await untilNothingPending(client, admin, 60_000);
  const warmUp = accepted;
  const cpuBefore = cpu && mergeCpu(processTreeCpu(cpu.rootPid, cpu), ownCpu(loadGenerator));
  const statementsBefore = await statementCounts(metricsUrls);
  const startedAt = new Date();

  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    customers.map(async (customer) => {
      await place(customer, true);
      while (Date.now() < deadline) await place(customer);
    }),
  );
  http.close();
  await untilNothingPending(client, admin, 300_000);
  const cpuAfter = cpu && mergeCpu(processTreeCpu(cpu.rootPid, cpu), ownCpu(loadGenerator));
  const statementsAfter = statementsBefore && (await statementCounts(metricsUrls));
  // For a profile of the run (BENCH_CPU_PROF): `npx tsx bench/cpu-profile.ts <file> 30 <from> <to>`.
  console.error(`  ${name}: load from ${startedAt.toISOString()} to ${new Date().toISOString()}`);
  const placedInRun = accepted - warmUp;

  const paid = await allOrders(client, admin, 'Paid');
  const failed = await allOrders(client, admin, 'Failed');
  const latencies = paid.map((o) => Date.parse(o.updatedAt) - Date.parse(o.createdAt)).sort((a, b) => a - b);
  const first = Math.min(...paid.map((o) => Date.parse(o.createdAt)));
  const last = Math.max(...paid.map((o) => Date.parse(o.updatedAt)));

  // Zero oversell, and every unit accounted for: once the Paid orders' commits landed (`reserved` 0), each
  // product's stock went down by exactly what its Paid orders took, and a unit left while orders were refused
  // for want of it is one a Failed order held and gave back (the reasons are printed).
  const settling = await untilReservationsSettle(client, products, 60_000);
  const sold = new Map<string, number>();
  for (const order of paid)
    for (const item of order.items) sold.set(item.productId, (sold.get(item.productId) ?? 0) + item.quantity);
  const accounts = new Map<string, StockAccount>();
  for (const product of products) {
    const account = accountStock({
      stock: product.stock,
      sold: sold.get(product.id) ?? 0,
      levels: (await client.json('GET', `/api/inventory/${product.id}`)) as unknown as StockLevels,
      failed: await failedOrdersOf(client, admin, product.id, failed),
    });
    if (account.problems.length > 0) {
      throw new Error(
        `stock check failed for ${product.id} (${describeStockAccount(account)}): ${account.problems.join('; ')}`,
      );
    }
    accounts.set(product.id, account);
  }
  const scarce = products[0] as { id: string };
  const scarceAccount = accounts.get(scarce.id) as StockAccount;
  const otherFailures = failed.filter((o) => o.items.some((item) => item.productId !== scarce.id)).length;
  // Every order placed in the run went through the saga to Paid or Failed: the CPU is shared over all of them.
  const cpuPerOrder = cpuBefore && cpuAfter && cpuPerUnit(cpuBefore, cpuAfter, placedInRun);

  return {
    name,
    perSecond: Math.round((paid.length / (last - first)) * 1000),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    note:
      `${accepted} placed (${refused} refused), ${paid.length} Paid, ${failed.length} Failed ` +
      `(${failed.length - otherFailures} for the ${scarceStock}-unit product: ${describeStockAccount(scarceAccount)}; ` +
      `${otherFailures} others); ` +
      (settling.reservedAtFirst > 0
        ? `${settling.reservedAtFirst} unit(s) still reserved for Paid orders when nothing was Pending, all committed ` +
          `${settling.waitedMs} ms later; `
        : 'every Paid order committed when nothing was Pending; ') +
      'latency = Paid time − placement time on the server' +
      (cpuPerOrder ? `; ${describeCpuPerUnit(cpuPerOrder, `order placed (${placedInRun} after the warm-up)`)}` : '') +
      (statementsBefore && statementsAfter
        ? `; ${describeStatementsPer(statementsBefore, statementsAfter, placedInRun)}`
        : ''),
    ...(cpuPerOrder ? { cpuPerOrder } : {}),
  };
}

/** A fresh PostgreSQL with a stock row per product and an orders table, and the minimal order transaction on it. */
export interface RawOrderDatabase {
  postgres: PostgresServer;
  pool: Pool;
  /** BEGIN, guarded UPDATE of the product's stock, INSERT of the order, COMMIT: false when the stock ran out. */
  order(product: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function openRawOrderDatabase(options: {
  logDir: string;
  name: string;
  products: number;
  stock: number;
  connections: number;
}): Promise<RawOrderDatabase> {
  const postgres = await startPostgres({ logDir: join(options.logDir, options.name) });
  const pool = new Pool({ connectionString: await postgres.createDatabase(options.name), max: options.connections });
  // An idle connection cut when the server stops is not a failure of the measurement.
  pool.on('error', () => {});
  const close = async () => {
    await pool.end();
    await postgres.stop();
  };
  try {
    await pool.query('CREATE TABLE stock (id int PRIMARY KEY, available int NOT NULL CHECK (available >= 0))');
    await pool.query(
      'CREATE TABLE orders (id uuid PRIMARY KEY, product int NOT NULL, created_at timestamptz NOT NULL)',
    );
    await pool.query(`INSERT INTO stock SELECT g, ${options.stock} FROM generate_series(0, ${options.products - 1}) g`);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    postgres,
    pool,
    async order(product) {
      const connection = await pool.connect();
      try {
        await connection.query('BEGIN');
        const taken = await connection.query(
          'UPDATE stock SET available = available - 1 WHERE id = $1 AND available >= 1',
          [product],
        );
        if (taken.rowCount !== 1) {
          await connection.query('ROLLBACK');
          return false;
        }
        await connection.query('INSERT INTO orders VALUES ($1, $2, now())', [randomUUID(), product]);
        await connection.query('COMMIT');
        return true;
      } finally {
        connection.release();
      }
    },
    close,
  };
}

/** The baseline: a minimal order transaction on raw PostgreSQL through `pg`, same concurrency. */
export async function rawOrderTransactions(seconds: number, logDir: string): Promise<OrderRate> {
  const database = await openRawOrderDatabase({
    logDir,
    name: 'bench_raw_orders',
    products: productCount,
    stock: plentifulStock,
    connections: customerCount,
  });
  try {
    const backend = (await database.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    const postmaster = parentPidOf(Number(backend));
    const reading = () => mergeCpu(processTreeCpu(postmaster), ownCpu(loadGenerator));
    let sequence = 0;
    const before = reading();
    const measured = await drive(customerCount, seconds, () => database.order(sequence++ % productCount));
    const cpuPerOrder = cpuPerUnit(before, reading(), measured.succeeded);
    return {
      name: 'raw PostgreSQL: insert the order + guarded UPDATE of its stock, one transaction (baseline)',
      perSecond: measured.perSecond,
      p50Ms: measured.p50Ms,
      p99Ms: measured.p99Ms,
      note: `${customerCount} concurrent transactions through pg; ${describeCpuPerUnit(cpuPerOrder, 'transaction')}`,
      cpuPerOrder,
    };
  } finally {
    await database.close();
  }
}
