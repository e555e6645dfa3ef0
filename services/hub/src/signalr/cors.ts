import type { Context } from 'koa';

const defaultAllowedHeaders = 'authorization, content-type, x-requested-with, x-signalr-user-agent';

/**
 * CORS for browsers with credentials (the JS client's default): the origin is echoed, never `*`, with
 * Allow-Credentials. Answers false for an origin that is not allowed; its response then carries no CORS headers
 * and the browser refuses it.
 */
export function allowOrigin(ctx: Context, allowed: '*' | string[]): boolean {
  const origin = ctx.get('origin');
  if (!origin) return true;
  ctx.vary('Origin');
  if (allowed !== '*' && !allowed.includes(origin)) return false;
  ctx.set('Access-Control-Allow-Origin', origin);
  ctx.set('Access-Control-Allow-Credentials', 'true');
  return true;
}

/** A preflight: no authentication, whatever the route (browsers never send credentials on OPTIONS). */
export function answerPreflight(ctx: Context, allowed: '*' | string[], methods: string): void {
  ctx.status = 204;
  if (!allowOrigin(ctx, allowed)) return;
  ctx.set('Access-Control-Allow-Methods', methods);
  ctx.set('Access-Control-Allow-Headers', ctx.get('access-control-request-headers') || defaultAllowedHeaders);
  ctx.set('Access-Control-Max-Age', '86400');
}
