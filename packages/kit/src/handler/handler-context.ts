import type { Context } from 'koa';
import type { Caller } from '../http/auth';
import { traceparentOf } from '../http/trace-context';
import type { Logger } from '../log/logger';

/**
 * What every application handler is given first, whoever calls it: a route, an event subscription or a job.
 * Handlers take `(ctx, input, deps)`; stores come through the service's unit of work in `deps`, never through here.
 */
export interface HandlerContext {
  /** Who asked, when a verified access token did; absent for events, jobs and anonymous requests. */
  caller?: Caller;
  /** Log lines carry the request's or the event's ids and trace. */
  log: Logger;
  /** The W3C traceparent of the work, when it runs in a trace. */
  traceparent?: string;
}

/** The handler context of a Koa request: its verified caller, its logger and its trace (set by the kit's middleware). */
export function handlerContext(ctx: Context): HandlerContext {
  const { caller } = ctx.state;
  return {
    ...(caller ? { caller } : {}),
    // Read through, not copied: the request's logger is made on first use, and most requests never log.
    get log() {
      return ctx.state.log;
    },
    get traceparent() {
      return traceparentOf(ctx.state.trace);
    },
  };
}
