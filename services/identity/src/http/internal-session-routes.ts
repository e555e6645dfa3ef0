import { type ApiRoutes, handlerContext, problem } from '@shop/kit';
import Joi from 'joi';
import { sessionState } from '../application/session-state';
import type { IdentityHttp } from './identity-http';

// The verifiers' own check of `sid` (identity issues UUIDs; anything else is simply not found).
const sessionParams = Joi.object({
  sid: Joi.string()
    .pattern(/^[A-Za-z0-9-]{1,64}$/)
    .required(),
});
const liveSession = Joi.object({ customerId: Joi.string().required(), active: Joi.boolean().valid(true).required() });

/**
 * `GET /internal/sessions/:sid`, by service invocation: every other service's token verifier asks here whether
 * the login an access token belongs to still grants access (see the kit's SessionCheck).
 */
export function internalSessionRoutes(api: ApiRoutes, http: IdentityHttp): void {
  api.get(
    '/internal/sessions/:sid',
    {
      summary: 'Whether a login (refresh-token family) is live and its account exists',
      access: 'internal',
      request: { params: sessionParams },
      responses: {
        200: { description: 'The login is live', body: liveSession },
        404: { description: 'Revoked, its account deleted, or unknown' },
      },
    },
    async (ctx) => {
      const state = await sessionState(
        handlerContext(ctx),
        { sessionId: (ctx.params as { sid: string }).sid },
        http.deps,
      );
      if (!state.active) throw problem(404, 'Not Found', { detail: 'No live session with this id.' });
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { customerId: state.customerId, active: true };
    },
  );
}
