import type { FieldError, Mesh } from '@shop/kit';
import { DependencyUnavailableError, type PaymentMethods } from '../application/ports';

/**
 * Cards go straight to the payments service (`POST /internal/payment-methods`), which vaults them; the order's
 * payment is opened there too (`POST /internal/payments`) before the order is announced.
 */
export function vaultedPaymentMethods(mesh: Mesh): PaymentMethods {
  return {
    async vault(card) {
      let answer: Awaited<ReturnType<Mesh['invoke']>>;
      try {
        answer = await mesh.invoke('payments', '/internal/payment-methods', { method: 'POST', body: card });
      } catch (error) {
        throw new DependencyUnavailableError('payments', (error as Error).message);
      }
      if (answer.status === 201) {
        const body = answer.body as { paymentMethodId: string; last4: string; fingerprint: string; country?: string };
        return {
          ok: true,
          paymentMethodId: body.paymentMethodId,
          last4: body.last4,
          fingerprint: body.fingerprint,
          ...(body.country ? { country: body.country } : {}),
        };
      }
      if (answer.status === 400) {
        const errors = (answer.body as { errors?: FieldError[] }).errors;
        return { ok: false, errors: errors?.length ? errors : [{ path: 'body.cardNumber', message: 'was refused' }] };
      }
      throw new DependencyUnavailableError('payments', `vaulting answered ${answer.status}`);
    },
    async openPayment(order) {
      let answer: Awaited<ReturnType<Mesh['invoke']>>;
      try {
        answer = await mesh.invoke('payments', '/internal/payments', { method: 'POST', body: order });
      } catch (error) {
        throw new DependencyUnavailableError('payments', (error as Error).message);
      }
      if (answer.status === 409) return 'conflict';
      if (answer.status !== 201 && answer.status !== 200) {
        throw new DependencyUnavailableError('payments', `opening the payment answered ${answer.status}`);
      }
      return 'opened';
    },
  };
}
