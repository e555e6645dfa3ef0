import { type ApiRoutes, invalidRequest } from '@shop/kit';
import { vaultCard } from '../application/vault-card';
import type { CardDetails } from '../domain/card';
import type { PaymentsHttp } from './payments-http';
import { cardBody, vaultedCardView } from './schemas';

/**
 * Card vaulting for the orders service, by service invocation. It lives under /internal, outside the public
 * paths, so the edge (the Ingress in Kubernetes) never routes a client to it. The card in the body goes to the
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
      const result = await vaultCard(ctx.request.body as CardDetails, http.deps);
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
      };
    },
  );
}
