import { type FieldError, type ProblemError, problem } from '@shop/kit';

/**
 * Codes of the `x-ms-error-code` header. The Azure Management SDK reads a 404 of an existence check (and of
 * AddToGroup and CloseConnection) as "no" only when this header names the expected code; any other 404 makes it
 * throw. The first five are Azure's; the others name our own refusals.
 */
export const errorCodes = {
  connectionNotExisted: 'Warning.Connection.NotExisted',
  userNotExisted: 'Warning.User.NotExisted',
  groupNotExisted: 'Warning.Group.NotExisted',
  userNotInGroup: 'Info.User.NotInGroup',
  connectionNotExistedError: 'Error.Connection.NotExisted',
  invalidRequest: 'Error.Request.Invalid',
  unauthorized: 'Error.Auth.Unauthorized',
  notFound: 'Error.Request.NotFound',
  methodNotAllowed: 'Error.Request.MethodNotAllowed',
  tooLarge: 'Error.Request.TooLarge',
  tooManyHubs: 'Error.Hub.LimitReached',
  unavailable: 'Error.Service.Unavailable',
} as const;

/** A problem document (CONTRACT.md) that also carries Azure's error code, as header and as `code`. */
export function azureProblem(
  status: number,
  code: string,
  detail: string,
  options: { errors?: FieldError[]; headers?: Record<string, string>; title?: string } = {},
): ProblemError {
  return problem(status, options.title, {
    detail,
    ...(options.errors ? { errors: options.errors } : {}),
    headers: { 'x-ms-error-code': code, ...options.headers },
    extensions: { code },
  });
}

/** A 400 naming the offending fields. */
export function invalid(errors: FieldError[]): ProblemError {
  return azureProblem(400, errorCodes.invalidRequest, `${errors.length} field(s) are invalid`, {
    errors,
    title: 'Invalid request',
  });
}
