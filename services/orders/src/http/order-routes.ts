import { randomUUID } from 'node:crypto';
import { orderIdFor } from '@shop/contracts';
import {
  type ApiRoutes,
  type Caller,
  decodeTimeCursor,
  encodeTimeCursor,
  handlerContext,
  idempotencyKeyHeader,
  invalidRequest,
  problem,
  replayIdempotent,
  respondIdempotently,
  type Tx,
} from '@shop/kit';
import Joi from 'joi';
import type { Context } from 'koa';
import type { DataSource } from 'typeorm';
import { changeOrderStatus } from '../application/change-order-status';
import { findOrder, listOrders } from '../application/find-orders';
import { type PlaceOrder, placeOrder, recordOrder } from '../application/place-order';
import { DependencyUnavailableError, type OrdersDeps, type OrdersStore } from '../application/ports';
import { reviewOrder } from '../application/review-order';
import { type Order, type OrderStatus, orderView, type ReviewDecision } from '../domain/order';
import { orderIdParams, orderView as orderSchema, orderStatuses, placeOrderBody, reviewBody } from './schemas';

export interface OrdersHttp {
  deps: OrdersDeps;
  /** The orders database, for idempotency keys, and the store of a transaction on it. */
  dataSource: DataSource;
  storeOf: (tx: Tx) => OrdersStore;
}

const caller = (ctx: Context) => ctx.state.caller as Caller;
const isAdmin = (who: Caller) => who.roles.includes('admin');
/** Owners and admins see an order; to anyone else it does not exist (404, never 403). */
const visibleTo = (who: Caller) => (order: Order) => isAdmin(who) || order.customerId === who.id;
const notFound = () => problem(404, 'Order not found');

export function orderRoutes(api: ApiRoutes, http: OrdersHttp): void {
  const { deps } = http;

  api.post(
    '/api/orders',
    {
      summary: 'Place an order (it then moves on by itself: stock is reserved, the card is charged)',
      access: 'customer',
      request: { body: placeOrderBody, headers: Joi.object({ 'idempotency-key': Joi.string().max(255) }).unknown() },
      responses: { 202: { description: 'The order, Pending', body: orderSchema } },
    },
    async (ctx) => {
      const customerId = caller(ctx).id;
      const scope = `orders:place:${customerId}`;
      if (await replayIdempotent(ctx, http.dataSource, scope)) return;
      const key = ctx.get(idempotencyKeyHeader);
      const orderId = key ? orderIdFor(customerId, key) : randomUUID();
      const body = ctx.request.body as Omit<PlaceOrder, 'customerId' | 'orderId'>;
      const placed = await withDependencies(() =>
        placeOrder(handlerContext(ctx), { ...body, orderId, customerId }, deps),
      );
      if (!placed.ok && placed.reason === 'invalid') throw invalidRequest(placed.errors);
      if (!placed.ok) {
        throw problem(409, 'Idempotency key reused', {
          detail: 'This Idempotency-Key was already used to place another order.',
        });
      }
      await respondIdempotently(ctx, http.dataSource, scope, async (tx) => {
        const order = await recordOrder(handlerContext(ctx), placed, { store: http.storeOf(tx) });
        return { status: 202, body: orderView(order) };
      });
      ctx.set('Location', `/api/orders/${orderId}`);
    },
  );

  api.get(
    '/api/orders/:id',
    {
      summary: 'One order',
      access: 'owner or admin',
      request: { params: orderIdParams },
      responses: {
        200: { description: 'The order (riskScore, riskReasons and review for admins only)', body: orderSchema },
      },
    },
    async (ctx) => {
      const who = caller(ctx);
      const order = await findOrder(handlerContext(ctx), { orderId: ctx.params.id as string }, deps);
      if (!order || !visibleTo(who)(order)) throw notFound();
      ctx.body = orderView(order, { admin: isAdmin(who) });
    },
  );

  api.get(
    '/api/orders',
    {
      summary: "Orders, newest first: a customer's own, or all of them for an admin",
      access: 'owner or admin',
      request: {
        query: Joi.object({
          status: Joi.string().valid(...orderStatuses),
          limit: Joi.number().integer().min(1).max(100).default(20),
          cursor: Joi.string().max(200),
        }),
      },
      responses: {
        200: {
          description: 'A page of orders',
          body: Joi.object({ items: Joi.array().items(orderSchema), nextCursor: Joi.string().allow(null) }),
        },
      },
    },
    async (ctx) => {
      const query = ctx.state.query as { status?: OrderStatus; limit: number; cursor?: string };
      const who = caller(ctx);
      const page = await listOrders(
        handlerContext(ctx),
        {
          limit: query.limit,
          ...(isAdmin(who) ? {} : { customerId: who.id }),
          ...(query.status ? { status: query.status } : {}),
          ...(query.cursor ? { after: decodeTimeCursor(query.cursor) } : {}),
        },
        deps,
      );
      const viewer = { admin: isAdmin(who) };
      ctx.body = {
        items: page.items.map((order) => orderView(order, viewer)),
        nextCursor: page.next ? encodeTimeCursor(page.next) : null,
      };
    },
  );

  const statusRoute = (
    path: string,
    to: OrderStatus,
    summary: string,
    access: 'owner or admin' | 'admin',
    body?: Joi.ObjectSchema,
  ) =>
    api.post(
      path,
      {
        summary,
        access,
        request: { params: orderIdParams, ...(body ? { body } : {}) },
        responses: {
          200: { description: 'The order', body: orderSchema },
          409: { description: 'Not possible in its status' },
        },
      },
      async (ctx) => {
        const trackingNumber = (ctx.request.body as { trackingNumber?: string } | undefined)?.trackingNumber;
        const result = await changeOrderStatus(
          handlerContext(ctx),
          {
            orderId: ctx.params.id as string,
            to,
            canSee: visibleTo(caller(ctx)),
            ...(trackingNumber ? { trackingNumber } : {}),
          },
          deps,
        );
        if (!result.ok && result.reason === 'not-found') throw notFound();
        if (!result.ok) {
          throw problem(409, 'Order status conflict', {
            detail: `An order that is ${result.order.status} cannot become ${to}.`,
            extensions: { orderStatus: result.order.status },
          });
        }
        ctx.body = orderView(result.order, { admin: isAdmin(caller(ctx)) });
      },
    );

  statusRoute(
    '/api/orders/:id/cancel',
    'Cancelled',
    'Cancel an order before it ships (stock released, payment refunded)',
    'owner or admin',
  );
  statusRoute(
    '/api/orders/:id/ship',
    'Shipped',
    'Mark a paid order shipped',
    'admin',
    Joi.object({ trackingNumber: Joi.string().trim().min(1).max(100) }),
  );
  statusRoute('/api/orders/:id/deliver', 'Delivered', 'Mark a shipped order delivered', 'admin');

  api.post(
    '/api/orders/:id/review',
    {
      summary:
        'Review an order held for fraud review: approve (Pending again, then captured) or reject (Failed, FraudSuspected: stock released, payment voided)',
      access: 'admin',
      request: { params: orderIdParams, body: reviewBody },
      responses: {
        200: { description: 'The order, with the review', body: orderSchema },
        404: { description: 'No such order' },
        409: { description: 'The order is not OnHold (never held, or reviewed already)' },
      },
    },
    async (ctx) => {
      const { decision, note } = ctx.request.body as { decision: ReviewDecision; note?: string };
      const result = await reviewOrder(
        handlerContext(ctx),
        { orderId: ctx.params.id as string, decision, reviewerId: caller(ctx).id, ...(note ? { note } : {}) },
        deps,
      );
      if (!result.ok && result.reason === 'not-found') throw notFound();
      if (!result.ok) {
        throw problem(409, 'Order not held for review', {
          detail: `Only an order OnHold can be reviewed; this one is ${result.order.status}.`,
          extensions: { orderStatus: result.order.status },
        });
      }
      ctx.body = orderView(result.order, { admin: true });
    },
  );
}

/** A dependency that cannot answer makes the request a 503 to retry, never a 500. */
async function withDependencies<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DependencyUnavailableError) {
      throw problem(503, 'Service Unavailable', {
        detail: `The order could not be placed now (${error.dependency} did not answer); retry shortly.`,
        headers: { 'Retry-After': '2' },
      });
    }
    throw error;
  }
}
