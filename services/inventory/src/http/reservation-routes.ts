import { type ApiRoutes, type HandlerContext, handlerContext, problem } from '@shop/kit';
import { commitReservation } from '../application/commit-reservation';
import { releaseReservation } from '../application/release-reservation';
import { type ReserveResult, reserveStockInTransaction } from '../application/reserve-stock';
import { getReservation } from '../application/stock-queries';
import type { ReleaseReason, ReservationLine } from '../domain/reservation';
import type { HttpDeps } from './http-deps';
import { reservationJson } from './presenters';
import { orderIdParams, releaseRequest, reservationBody, reservationRequest } from './schemas';

/**
 * Reservations for other services, by service invocation. They live under /internal, outside the public
 * paths, so the edge (the Ingress in Kubernetes) never routes a client to them.
 */
export function addInternalReservationRoutes(api: ApiRoutes, deps: HttpDeps): void {
  api.post(
    '/internal/reservations',
    {
      summary: 'Reserve every line of an order or none; idempotent on the order id',
      access: 'internal',
      request: { body: reservationRequest },
      responses: {
        201: { description: 'Reserved', body: reservationBody },
        200: { description: 'The order had this reservation already', body: reservationBody },
        409: { description: 'Not enough stock (or unknown products); the problem lists the shortages' },
      },
    },
    async (ctx) => {
      const body = ctx.request.body as { orderId: string; lines: ReservationLine[]; ttlSeconds?: number };
      const result = await reserveStockInTransaction(
        handlerContext(ctx),
        { orderId: body.orderId, lines: body.lines, ttlSeconds: body.ttlSeconds ?? deps.defaultTtlSeconds },
        { ...deps.inventory, run: deps.run },
      );
      if (!result.ok) throw rejected(result);
      ctx.status = result.created ? 201 : 200;
      ctx.body = reservationJson(result.reservation);
    },
  );

  api.get(
    '/internal/reservations/:orderId',
    {
      summary: "An order's reservation",
      access: 'internal',
      request: { params: orderIdParams },
      responses: { 200: { description: 'The reservation', body: reservationBody }, 404: { description: 'None' } },
    },
    async (ctx) => {
      ctx.body = await reservationOf(handlerContext(ctx), deps, ctx.params.orderId as string);
    },
  );

  api.post(
    '/internal/reservations/:orderId/commit',
    {
      summary: 'The order was paid: its reserved units leave the shelf; idempotent',
      access: 'internal',
      request: { params: orderIdParams },
      responses: {
        200: { description: 'Committed', body: reservationBody },
        404: { description: 'The order has no reservation' },
        409: { description: 'Released or rejected, or expired and its stock sold since' },
      },
    },
    async (ctx) => {
      const orderId = ctx.params.orderId as string;
      const result = await deps.run((tx) =>
        commitReservation(handlerContext(ctx), { orderId }, { ...deps.inventory, tx }),
      );
      if (result.ok) {
        ctx.body = reservationJson(result.reservation);
        return;
      }
      switch (result.reason) {
        case 'not-found':
          throw problem(404, 'Not Found', { detail: `Order ${orderId} has no reservation` });
        case 'not-held':
          throw problem(409, 'Reservation not held', {
            detail: `The reservation of order ${orderId} is ${result.reservation.status}`,
            extensions: { reservation: reservationJson(result.reservation) },
          });
        case 'expired':
          throw problem(409, 'Reservation expired', {
            detail: `The reservation of order ${orderId} expired and its stock is no longer available`,
            extensions: { shortages: result.shortages, reservation: reservationJson(result.reservation) },
          });
      }
    },
  );

  api.post(
    '/internal/reservations/:orderId/release',
    {
      summary: 'The order failed or was cancelled: its units become available again; idempotent',
      access: 'internal',
      request: { params: orderIdParams, body: releaseRequest },
      responses: {
        200: { description: 'Released (or holding nothing already)', body: reservationBody },
        404: { description: 'The order has no reservation' },
      },
    },
    async (ctx) => {
      const orderId = ctx.params.orderId as string;
      const { reason } = (ctx.request.body ?? {}) as { reason: ReleaseReason };
      const result = await deps.run((tx) =>
        releaseReservation(handlerContext(ctx), { orderId, reason }, { ...deps.inventory, tx }),
      );
      if (!result.ok) throw problem(404, 'Not Found', { detail: `Order ${orderId} has no reservation` });
      ctx.body = reservationJson(result.reservation);
    },
  );
}

/** Reservations for operators. */
export function addAdminReservationRoutes(api: ApiRoutes, deps: HttpDeps): void {
  api.get(
    '/api/inventory/reservations/:orderId',
    {
      summary: "An order's reservation (admin)",
      access: 'admin',
      request: { params: orderIdParams },
      responses: { 200: { description: 'The reservation', body: reservationBody }, 404: { description: 'None' } },
    },
    async (ctx) => {
      ctx.body = await reservationOf(handlerContext(ctx), deps, ctx.params.orderId as string);
    },
  );
}

async function reservationOf(context: HandlerContext, deps: HttpDeps, orderId: string) {
  const reservation = await deps.run((tx) => getReservation(context, { orderId }, { ...deps.inventory, tx }));
  if (!reservation) throw problem(404, 'Not Found', { detail: `Order ${orderId} has no reservation` });
  return reservationJson(reservation);
}

function rejected(result: Extract<ReserveResult, { ok: false }>) {
  return problem(409, result.reason === 'unknown-product' ? 'Unknown product' : 'Insufficient stock', {
    detail: `Order ${result.reservation.orderId} cannot be reserved: ${result.shortages.length} line(s) fall short`,
    extensions: { reason: result.reason, shortages: result.shortages },
  });
}
