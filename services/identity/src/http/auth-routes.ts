import { type ApiRoutes, handlerContext, invalidRequest, problem } from '@shop/kit';
import Joi from 'joi';
import { logIn } from '../application/log-in';
import { logOut } from '../application/log-out';
import { refreshSession } from '../application/refresh-session';
import { registerCustomer } from '../application/register-customer';
import { customerView as toCustomerView } from '../domain/customer';
import { clientAddress } from './client-address';
import type { IdentityHttp } from './identity-http';
import { customerView, email, locale, name, password, refreshToken, sessionView } from './schemas';

const jwksCacheSeconds = 60;

/** Register, log in, refresh, log out, the JWKS; none of them reads an access token. */
export function publicAuthRoutes(api: ApiRoutes, http: IdentityHttp): void {
  const { deps } = http;

  api.post(
    '/api/auth/register',
    {
      summary: 'Register a customer account',
      access: 'anyone',
      request: {
        body: Joi.object({ email: email.required(), password: password.required(), name: name.required(), locale }),
      },
      responses: { 201: { description: 'The new account', body: customerView }, 409: { description: 'Email taken' } },
    },
    async (ctx) => {
      const result = await registerCustomer(
        handlerContext(ctx),
        ctx.request.body as { email: string; password: string; name: string; locale?: string },
        deps,
      );
      if (!result.ok && result.reason === 'weak-password') {
        throw invalidRequest(result.problems.map((message) => ({ path: 'body.password', message })));
      }
      if (!result.ok) throw problem(409, 'Email already registered', { detail: 'An account with this email exists.' });
      ctx.status = 201;
      ctx.set('Location', '/api/customers/me');
      ctx.body = toCustomerView(result.customer);
    },
  );

  api.post(
    '/api/auth/login',
    {
      summary: 'Log in with email and password',
      access: 'anyone',
      request: { body: Joi.object({ email: email.required(), password: password.required() }) },
      responses: {
        200: { description: 'An access token and a refresh token', body: sessionView },
        401: { description: 'Wrong email or password' },
        429: { description: 'Too many attempts; see Retry-After' },
      },
    },
    async (ctx) => {
      const body = ctx.request.body as { email: string; password: string };
      const result = await logIn(
        handlerContext(ctx),
        { ...body, clientAddress: clientAddress(ctx, http.trustedProxyHops) },
        deps,
      );
      if (!result.ok && result.reason === 'throttled') {
        throw problem(429, 'Too many login attempts', {
          detail: `Try again in ${result.retryAfterSeconds} seconds.`,
          headers: { 'Retry-After': String(result.retryAfterSeconds) },
        });
      }
      if (!result.ok) {
        throw problem(401, 'Invalid credentials', {
          detail: 'The email or the password is wrong.',
          headers: { 'WWW-Authenticate': 'Bearer' },
        });
      }
      ctx.set('Cache-Control', 'no-store');
      ctx.body = result.session;
    },
  );

  api.post(
    '/api/auth/refresh',
    {
      summary: 'Trade a refresh token for a new pair (the old one is used up)',
      access: 'anyone',
      request: { body: Joi.object({ refreshToken: refreshToken.required() }) },
      responses: {
        200: { description: 'A new access token and refresh token', body: sessionView },
        401: { description: 'Unknown, expired, revoked or reused refresh token (reuse revokes its family)' },
      },
    },
    async (ctx) => {
      const result = await refreshSession(handlerContext(ctx), ctx.request.body as { refreshToken: string }, deps);
      if (!result.ok) {
        if (result.reason === 'reused') {
          ctx.state.log.warn({ reason: result.reason }, 'refresh token reused: its family is revoked');
        }
        throw problem(401, 'Invalid refresh token', {
          detail:
            result.reason === 'reused'
              ? 'This refresh token was already used; every token of this login is revoked. Log in again.'
              : 'The refresh token is unknown, expired or revoked. Log in again.',
        });
      }
      ctx.set('Cache-Control', 'no-store');
      ctx.body = result.session;
    },
  );

  api.post(
    '/api/auth/logout',
    {
      summary: 'End the login a refresh token belongs to',
      access: 'anyone',
      request: { body: Joi.object({ refreshToken: refreshToken.required() }) },
      responses: { 204: { description: 'Logged out (also for a token that was already invalid)' } },
    },
    async (ctx) => {
      await logOut(handlerContext(ctx), ctx.request.body as { refreshToken: string }, deps);
      ctx.status = 204;
    },
  );

  api.get(
    '/api/auth/jwks',
    {
      summary: 'The public keys access tokens are signed with (JWKS)',
      access: 'anyone',
      responses: { 200: { description: 'A JSON Web Key Set' } },
    },
    async (ctx) => {
      ctx.set('Cache-Control', `public, max-age=${jwksCacheSeconds}`);
      ctx.body = await http.keys.jwks();
    },
  );
}

/** Administration of the signing keys; mounted after `authenticate`. */
export function keyAdminRoutes(api: ApiRoutes, http: IdentityHttp): void {
  api.post(
    '/api/auth/keys/rotate',
    {
      summary: 'Start signing with a new key (old keys stay in the JWKS until their tokens expire)',
      access: 'admin',
      responses: { 201: { description: 'The new key id', body: Joi.object({ kid: Joi.string() }) } },
    },
    async (ctx) => {
      ctx.status = 201;
      ctx.body = { kid: await http.keys.rotate() };
    },
  );
}
