import { createHash, randomUUID } from 'node:crypto';
import type { Money } from '@shop/contracts';
import {
  type ApiRoutes,
  type Caller,
  decodeTimeCursor,
  encodeTimeCursor,
  handlerContext,
  idempotencyKeyHeader,
  problem,
  problemContentType,
  respondIdempotently,
} from '@shop/kit';
import type { Context } from 'koa';
import { getPayment, listPayments, type Reader } from '../application/find-payments';
import { type RefundResult, refundPayment } from '../application/refund-payment';
import { refundIdFor } from '../domain/refund';
import type { PaymentsHttp } from './payments-http';
import {
  idParams,
  listQuery,
  paymentDetailView,
  paymentPage,
  refundBody,
  refundView,
  toPaymentView,
  toRefundView,
} from './schemas';

/** The public payments API; mounted after `authenticate`. Admins see every payment, customers their own. */
export function paymentRoutes(api: ApiRoutes, http: PaymentsHttp): void {
  api.get(
    '/api/payments',
    {
      summary: 'Payments, newest first (a customer sees the payments of their own orders)',
      access: 'owner or admin',
      request: { query: listQuery },
      responses: { 200: { description: 'A page of payments', body: paymentPage } },
    },
    async (ctx) => {
      const query = ctx.state.query as { orderId?: string; limit: number; cursor?: string };
      const page = await listPayments(
        handlerContext(ctx),
        {
          reader: readerOf(ctx),
          limit: query.limit,
          ...(query.orderId ? { orderId: query.orderId } : {}),
          ...(query.cursor ? { after: decodeTimeCursor(query.cursor) } : {}),
        },
        http,
      );
      ctx.body = { items: page.items.map(toPaymentView), nextCursor: page.next ? encodeTimeCursor(page.next) : null };
    },
  );

  api.get(
    '/api/payments/:id',
    {
      summary: 'One payment with its refunds',
      access: 'owner or admin',
      request: { params: idParams },
      responses: { 200: { description: 'The payment', body: paymentDetailView } },
    },
    async (ctx) => {
      const found = await getPayment(handlerContext(ctx), { reader: readerOf(ctx), id: ctx.params.id as string }, http);
      if (!found) throw problem(404, 'Payment not found');
      ctx.body = { ...toPaymentView(found.payment), refunds: found.refunds.map(toRefundView) };
    },
  );

  api.post(
    '/api/payments/:id/refunds',
    {
      summary: 'Give part or all of a captured payment back to the card',
      access: 'admin',
      request: { params: idParams, body: refundBody },
      responses: {
        201: { description: 'The refund', body: refundView },
        404: { description: 'No such payment' },
        409: {
          description:
            'Not captured, another currency, more than captured minus refunded, or the Idempotency-Key was used for another request',
        },
      },
    },
    async (ctx) => {
      const caller = ctx.state.caller as Caller;
      const paymentId = ctx.params.id as string;
      const { amount, reason } = ctx.request.body as { amount: Money; reason: string };
      const scope = `payments.refunds:${boundedId(caller.id)}`;
      const key = ctx.get(idempotencyKeyHeader);
      // With a key, a retry of a refund whose first attempt reached the gateway but not our database asks the
      // gateway for that same refund again.
      const refundId = key ? refundIdFor(`${scope}:${paymentId}:${key}`) : randomUUID();
      await respondIdempotently(ctx, http.dataSource, scope, async (tx) => {
        const result = await refundPayment(
          handlerContext(ctx),
          { paymentId, amount, reason, refundId },
          { ...http.deps, store: http.storeOf(tx) },
        );
        return result.ok ? { status: 201, body: toRefundView(result.refund) } : refusal(result);
      });
      // A stored refusal is replayed as it was first answered: a problem document.
      if (ctx.status >= 400) ctx.type = problemContentType;
    },
  );
}

function readerOf(ctx: Context): Reader {
  const caller = ctx.state.caller as Caller;
  return { id: caller.id, isAdmin: caller.roles.includes('admin') };
}

/** Keeps the idempotency scope within its column whatever the token's subject looks like. */
function boundedId(id: string): string {
  return id.length <= 64 ? id : createHash('sha256').update(id).digest('hex');
}

function refusal(result: Extract<RefundResult, { ok: false }>): { status: number; body: object } {
  const answer = (error: ReturnType<typeof problem>) => ({ status: error.status, body: error.problem });
  switch (result.reason) {
    case 'not-found':
      return answer(problem(404, 'Payment not found'));
    case 'not-refundable':
      return answer(
        problem(409, 'Payment not refundable', {
          detail: `The payment is ${result.payment.status}; only a captured payment can be refunded`,
        }),
      );
    case 'currency-mismatch':
      return answer(
        problem(409, 'Currency mismatch', {
          detail: `The payment is in ${result.payment.amount.currency}; a refund must be too`,
        }),
      );
    case 'exceeds-refundable':
      return answer(
        problem(409, 'Refund exceeds the captured amount', {
          detail: `At most ${result.refundable.amount} (minor units of ${result.refundable.currency}) can still be refunded`,
          extensions: { refundable: result.refundable },
        }),
      );
    case 'gateway-refused':
      return answer(problem(409, 'Refund refused by the gateway', { detail: `The gateway answered ${result.detail}` }));
  }
}
