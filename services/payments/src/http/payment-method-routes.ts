import { type ApiRoutes, handlerContext, invalidRequest, problem } from '@shop/kit';
import Joi from 'joi';
import { recordPendingPayment } from '../application/record-pending-payment';
import { vaultCard } from '../application/vault-card';
import type { CardDetails } from '../domain/card';
import type { PaymentsHttp } from './payments-http';
import { cardBody, money, vaultedCardView } from './schemas';

const pendingPaymentBody = Joi.object({
  orderId: Joi.string().guid().required(),
  customerId: Joi.string().min(1).max(100).required(),
  total: money.required(),
  paymentMethodId: Joi.string().min(1).max(100).required(),
  review: Joi.boolean().default(false).description('the order is held for fraud review: capture only once approved'),
});

/**
 * What the orders service asks of payments while it places an order, by service invocation: vault the card,
 * then open the order's pending payment. Both live under /internal, outside the public paths, so the edge (the
 * Ingress in Kubernetes) never routes a client to them. The card in the body goes to the
 * gateway and nowhere else: not to a log line, not to the database, not back in the answer.
 */
export function paymentMethodRoutes(api: ApiRoutes, http: PaymentsHttp): void {
  api.post(
    '/internal/payment-methods',
    {
      summary: 'Vault a card at the gateway for an order about to be placed',
      access: 'internal',
      request: { body: cardBody },
      responses: {
        201: { description: 'The token and what may be kept of the card', body: vaultedCardView },
        400: {
          description: 'A problem naming each bad field (body.cardNumber, body.expMonth, body.expYear, body.cvc)',
        },
      },
    },
    async (ctx) => {
      const result = await vaultCard(handlerContext(ctx), ctx.request.body as CardDetails, http.deps);
      if (!result.ok) {
        throw invalidRequest(
          result.problems.map((problem) => ({ path: `body.${problem.field}`, message: problem.message })),
        );
      }
      const { card } = result;
      ctx.status = 201;
      ctx.body = {
        paymentMethodId: card.paymentMethodId,
        brand: card.brand,
        last4: card.last4,
        expMonth: card.expMonth,
        expYear: card.expYear,
        expiresAt: card.expiresAt.toISOString(),
        fingerprint: result.fingerprint,
        ...(result.country ? { country: result.country } : {}),
      };
    },
  );

  api.post(
    '/internal/payments',
    {
      summary: "Open an order's payment, pending until its stock is reserved, before the order is announced",
      access: 'internal',
      request: { body: pendingPaymentBody },
      responses: {
        201: { description: 'The pending payment was recorded' },
        200: { description: 'The order had its payment already (a retried placement)' },
        409: { description: 'The order has a payment for another customer or amount' },
      },
    },
    // Placement opens the payment before it announces the order, so the stock-reserved that follows the announcement
    // always finds the payment to charge (payments takes no part in orders.order-placed).
    async (ctx) => {
      const input = ctx.request.body as {
        orderId: string;
        customerId: string;
        total: { amount: number; currency: string };
        paymentMethodId: string;
        review: boolean;
      };
      const result = await http.unitOfWork((store) =>
        recordPendingPayment(handlerContext(ctx), input, { ...http.deps, store }),
      );
      if (result.outcome === 'conflict') {
        throw problem(409, 'Another payment for this order', {
          detail: 'The order already has a payment for another customer or amount.',
        });
      }
      ctx.status = result.outcome === 'recorded' ? 201 : 200;
      ctx.body = { orderId: input.orderId, status: 'pending' };
    },
  );
}
