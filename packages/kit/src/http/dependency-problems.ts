import type { Middleware } from 'koa';
import { DependencyUnavailableError } from '../mesh/owner-reads';
import { problem } from './problem';

/**
 * A service the answer depends on (an owner a projection fills itself from) could not answer for this request:
 * 503 with Retry-After naming it, never a 500 and never an answer without what it needed.
 */
export const dependencyProblems: Middleware = async (_ctx, next) => {
  try {
    await next();
  } catch (error) {
    if (!(error instanceof DependencyUnavailableError)) throw error;
    throw problem(503, undefined, {
      detail: `The ${error.dependency} service cannot answer now; try again shortly.`,
      headers: { 'Retry-After': '1' },
    });
  }
};
