import { invalidRequest, type ProblemError, problem } from '@shop/kit';
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

// The catalog or inventory could not fill the projection for this request: the kit's 503 with Retry-After.
export { dependencyProblems } from '@shop/kit';
