import { type ApiRoutes, decodeTimeCursor, encodeTimeCursor, handlerContext, problem } from '@shop/kit';
import Joi from 'joi';
import { deleteAccount } from '../application/delete-account';
import { getProfile } from '../application/get-profile';
import { listCustomers } from '../application/list-customers';
import { customerView as toCustomerView } from '../domain/customer';

import { profileBody } from './customer-routes';
import type { IdentityHttp } from './identity-http';
import { customerView, idParams, profileView } from './schemas';

/** Customer administration; mounted after `authenticate`. */
export function adminRoutes(api: ApiRoutes, http: IdentityHttp): void {
  const { deps } = http;

  api.get(
    '/api/customers',
    {
      summary: 'Every account, oldest first',
      access: 'admin',
      request: {
        query: Joi.object({
          q: Joi.string().trim().min(1).max(254).description('part of the email, case-insensitive'),
          limit: Joi.number().integer().min(1).max(100).default(20),
          cursor: Joi.string().max(200),
        }),
      },
      responses: {
        200: {
          description: 'A page of accounts',
          body: Joi.object({ items: Joi.array().items(customerView), nextCursor: Joi.string().allow(null) }),
        },
      },
    },
    async (ctx) => {
      const query = ctx.state.query as { q?: string; limit: number; cursor?: string };
      const page = await listCustomers(
        handlerContext(ctx),
        {
          limit: query.limit,
          ...(query.cursor ? { after: decodeTimeCursor(query.cursor) } : {}),
          ...(query.q ? { emailContains: query.q } : {}),
        },
        deps,
      );
      ctx.body = { items: page.items.map(toCustomerView), nextCursor: page.next ? encodeTimeCursor(page.next) : null };
    },
  );

  api.get(
    '/api/customers/:id',
    {
      summary: 'One account with its addresses',
      access: 'admin',
      request: { params: idParams },
      responses: { 200: { description: 'Profile', body: profileView } },
    },
    async (ctx) => {
      const profile = await getProfile(handlerContext(ctx), { customerId: ctx.params.id as string }, deps);
      if (!profile) throw problem(404, 'Customer not found');
      ctx.body = profileBody(profile);
    },
  );

  api.delete(
    '/api/customers/:id',
    {
      summary: 'Delete an account (personal data is anonymised)',
      access: 'admin',
      request: { params: idParams },
      responses: { 204: { description: 'Deleted' } },
    },
    async (ctx) => {
      if (!(await deleteAccount(handlerContext(ctx), { customerId: ctx.params.id as string }, deps)).ok)
        throw problem(404, 'Customer not found');
      ctx.status = 204;
    },
  );
}
