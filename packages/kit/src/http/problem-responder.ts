import type { Context, Middleware } from 'koa';
import { type ProblemDocument, ProblemError, problemContentType, statusTitle } from './problem';

interface HttpishError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
  headers?: Record<string, string>;
}

function render(ctx: Context, document: ProblemDocument, headers: Record<string, string> = {}): void {
  ctx.status = document.status;
  ctx.set(headers);
  ctx.type = problemContentType;
  ctx.body = document;
}

/**
 * Turns every failure into an RFC 9457 problem document: ProblemErrors as thrown, client errors from
 * Koa and its body parser (malformed JSON, too large, wrong media type) as 4xx, anything else as a
 * 500 whose detail reveals nothing and whose cause goes to the log. Unmatched routes become 404.
 */
export function problemResponder(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      // A response written past Koa (a proxied one) is not ours to replace, whatever its status.
      if (ctx.status === 404 && ctx.body === undefined && ctx.respond !== false) {
        render(ctx, { type: 'about:blank', title: 'Not Found', status: 404, detail: `No resource at ${ctx.path}` });
      }
    } catch (caught) {
      if (caught instanceof ProblemError) {
        render(ctx, caught.problem, caught.headers);
        return;
      }
      const error = caught as HttpishError;
      const status = error.status ?? error.statusCode;
      if (status !== undefined && status >= 400 && status < 500) {
        const detail = error.expose !== false && error.message ? error.message : undefined;
        render(ctx, { type: 'about:blank', title: statusTitle(status), status, ...(detail ? { detail } : {}) });
        return;
      }
      ctx.state.log?.error({ err: caught }, 'unhandled error');
      render(ctx, {
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        detail: `The request failed; quote request id ${ctx.state.requestId ?? 'unknown'} when reporting it.`,
      });
    }
  };
}
