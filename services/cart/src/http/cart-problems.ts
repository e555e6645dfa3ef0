import { invalidRequest, type ProblemError, problem } from '@shop/kit';
import type { Middleware } from 'koa';
import { DependencyUnavailableError } from '../application/ports';
import type { Refusal } from '../domain/cart';

const statusOf: Record<Refusal['refused'], number> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
  'precondition-failed': 412,
  unavailable: 503,
};

/** The problem document of a refused cart request. */
export function refusalProblem(refusal: Refusal): ProblemError {
  if (refusal.refused === 'invalid') return invalidRequest(refusal.errors ?? []);
  const status = statusOf[refusal.refused];
  return problem(status, undefined, {
    detail: refusal.detail,
    ...(refusal.errors ? { errors: refusal.errors } : {}),
    ...(status === 503 ? { headers: { 'Retry-After': '1' } } : {}),
  });
}

export const noSuchCart = () => problem(404, undefined, { detail: 'No cart has this id.' });

/**
 * The catalog or inventory could not fill the projection for this request (a product it has not seen yet): 503
 * with Retry-After, never a 500 and never a cart shown without its prices.
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
