/** One offending field of a request: `path` is dotted from the part it lives in, e.g. `body.items.0.quantity`. */
export interface FieldError {
  path: string;
  message: string;
}

/** RFC 9457 problem document, the one error shape of every service (CONTRACT.md, Conventions). */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const problemContentType = 'application/problem+json';

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function statusTitle(status: number): string {
  return titles[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

/** An error that becomes a problem document; throw it from routes, the host renders it. */
export class ProblemError extends Error {
  readonly problem: ProblemDocument;
  /** Response headers to send with the problem, e.g. Retry-After or WWW-Authenticate. */
  readonly headers: Record<string, string>;

  constructor(problem: ProblemDocument, headers: Record<string, string> = {}) {
    super(problem.detail ?? problem.title);
    this.name = 'ProblemError';
    this.problem = problem;
    this.headers = headers;
  }

  get status(): number {
    return this.problem.status;
  }
}

export interface ProblemOptions {
  detail?: string;
  errors?: FieldError[];
  /** A URI naming the problem type; defaults to about:blank as RFC 9457 says. */
  type?: string;
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
}

export function problem(status: number, title = statusTitle(status), options: ProblemOptions = {}): ProblemError {
  const document: ProblemDocument = { type: options.type ?? 'about:blank', title, status, ...options.extensions };
  if (options.detail !== undefined) document.detail = options.detail;
  if (options.errors !== undefined) document.errors = options.errors;
  return new ProblemError(document, options.headers);
}

/** The 400 of a request whose fields are wrong: the same document validation answers, for checks made later. */
export function invalidRequest(errors: FieldError[]): ProblemError {
  return problem(400, 'Invalid request', { detail: `${errors.length} field(s) are invalid`, errors });
}
