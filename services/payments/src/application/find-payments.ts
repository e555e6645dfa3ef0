import type { HandlerContext } from '@shop/kit';
import type { Payment } from '../domain/payment';
import type { Refund } from '../domain/refund';
import type { PaymentPage, PaymentPosition, UnitOfWork } from './ports';

/** Who is reading: an admin reads every payment, a customer only those of their own orders. */
export interface Reader {
  id: string;
  isAdmin: boolean;
}

export async function listPayments(
  _ctx: HandlerContext,
  { reader, ...query }: { reader: Reader; limit: number; orderId?: string; after?: PaymentPosition },
  deps: { unitOfWork: UnitOfWork },
): Promise<PaymentPage> {
  return deps.unitOfWork((store) =>
    store.payments.list({ ...query, ...(reader.isAdmin ? {} : { customerId: reader.id }) }),
  );
}

/** The payment with its refunds; null when there is none, or it belongs to another customer. */
export async function getPayment(
  _ctx: HandlerContext,
  { reader, id }: { reader: Reader; id: string },
  deps: { unitOfWork: UnitOfWork },
): Promise<{ payment: Payment; refunds: Refund[] } | null> {
  return deps.unitOfWork(async (store) => {
    const payment = await store.payments.byId(id);
    if (!payment || (!reader.isAdmin && payment.customerId !== reader.id)) return null;
    return { payment, refunds: await store.refunds.listFor(id) };
  });
}
