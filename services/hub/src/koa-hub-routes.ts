import Router from '@koa/router';
import { HttpExchange, type HubServer } from '@shop/signalr';
import type { Context } from 'koa';

/**
 * Runs a SignalR request of a Koa route: the SignalR server writes the whole response on node:http itself (an
 * event stream, a long poll), so Koa sends nothing more; headers set before (request id, trace) go out with it.
 * A failure before anything was written is Koa's again to answer (the kit's problem document).
 */
export async function answerOnNode(ctx: Context, run: (exchange: HttpExchange) => Promise<void>): Promise<void> {
  const exchange = new HttpExchange(ctx.req, ctx.res);
  ctx.respond = false;
  try {
    await run(exchange);
  } catch (error) {
    ctx.respond = !exchange.answered;
    throw error;
  }
}

/** The HTTP requests (negotiate, server-sent events, long polling) of every hub mapped on `server`. */
export function hubRoutes(server: HubServer): Router {
  const router = new Router();
  router.all(server.httpPaths(), async (ctx) => {
    ctx.respond = false;
    // The router and the server agree on the paths; were they ever to differ, Koa answers its 404.
    if (!(await server.handle(ctx.req, ctx.res))) ctx.respond = true;
  });
  return router;
}
