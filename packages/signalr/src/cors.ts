import type { HttpExchange } from './http-exchange';

const defaultAllowedHeaders = 'authorization, content-type, x-requested-with, x-signalr-user-agent';

/**
 * CORS for browsers with credentials (the JS client's default): the origin is echoed, never `*`, with
 * Allow-Credentials. Answers false for an origin that is not allowed; its response then carries no CORS headers
 * and the browser refuses it.
 */
export function allowOrigin(exchange: HttpExchange, allowed: '*' | string[]): boolean {
  const origin = exchange.header('origin');
  if (!origin) return true;
  exchange.vary('Origin');
  if (allowed !== '*' && !allowed.includes(origin)) return false;
  exchange.set('Access-Control-Allow-Origin', origin);
  exchange.set('Access-Control-Allow-Credentials', 'true');
  return true;
}

/** A preflight: no authentication, whatever the route (browsers never send credentials on OPTIONS). */
export function answerPreflight(exchange: HttpExchange, allowed: '*' | string[], methods: string): void {
  if (allowOrigin(exchange, allowed)) {
    exchange.set('Access-Control-Allow-Methods', methods);
    exchange.set(
      'Access-Control-Allow-Headers',
      exchange.header('access-control-request-headers') || defaultAllowedHeaders,
    );
    exchange.set('Access-Control-Max-Age', '86400');
  }
  exchange.empty(204);
}
