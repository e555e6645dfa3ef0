import Koa from 'koa';
import inject from 'light-my-request';
import { type HandlerContext, handlerContext } from '../../src/handler/handler-context';
import type { Caller } from '../../src/http/auth';
import { requestContext } from '../../src/http/request-context';
import { createLogger } from '../../src/log/logger';

const quiet = createLogger({ name: 'handler-context-test', level: 'fatal' });
const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const caller: Caller = { id: 'c-1', roles: ['customer'], sessionId: 's-1' };

/** Runs one request through the kit's request context and returns what a route's handler would be given. */
async function contextOfRequest(options: { signedIn: boolean }) {
  let seen: { handler: HandlerContext; stateLog: unknown; traceparent: string } | undefined;
  const app = new Koa().use(requestContext(quiet)).use(async (ctx) => {
    // What the kit's authenticate middleware leaves for a verified token.
    if (options.signedIn) ctx.state.caller = caller;
    const handler = handlerContext(ctx);
    seen = { handler, stateLog: ctx.state.log, traceparent: handler.traceparent ?? '' };
    ctx.status = 204;
  });
  const response = await inject(app.callback(), {
    method: 'GET',
    url: '/',
    headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
  });
  if (!seen) throw new Error('the route did not run');
  return { ...seen, response };
}

describe('handlerContext (a route hands its application handler the request)', () => {
  it('carries the verified caller, the request logger and the trace the request continues', async () => {
    const { handler, stateLog, traceparent, response } = await contextOfRequest({ signedIn: true });
    expect(handler.caller).toEqual(caller);
    expect(handler.log).toBe(stateLog);
    expect(traceparent.split('-')[1]).toBe(traceId);
    // The same span the answer's traceparent names: the handler's work is the request's.
    expect(traceparent).toBe(response.headers.traceparent);
  });

  it('has no caller for an anonymous request', async () => {
    const { handler } = await contextOfRequest({ signedIn: false });
    expect(handler.caller).toBeUndefined();
    expect('caller' in handler).toBe(false);
  });
});
