import type { Context } from 'koa';

/**
 * The client's address for throttling. Behind `trustedProxyHops` proxies (the edge gateway, an ingress) the
 * client is that many entries from the right of X-Forwarded-For: entries further left are whatever the client
 * chose to send, so trusting them would let anyone pick a fresh address per request.
 */
export function clientAddress(ctx: Context, trustedProxyHops: number): string {
  const socketAddress = ctx.req.socket.remoteAddress ?? 'unknown';
  if (trustedProxyHops <= 0) return socketAddress;
  const forwarded = (ctx.get('x-forwarded-for') || '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return forwarded[forwarded.length - trustedProxyHops] ?? forwarded[0] ?? socketAddress;
}
