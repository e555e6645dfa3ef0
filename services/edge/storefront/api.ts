// The platform's public API as the storefront uses it (docs/CONTRACT.md), and its refusals put into words.

export interface Money {
  amount: number;
  currency: string;
}

export interface Category {
  id: string;
  name: string;
  parentId: string | null;
  children: Category[];
}

export interface Product {
  id: string;
  sku: string;
  name: string;
  description?: string | null;
  price: Money;
  categoryId: string;
  stock: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CartLine {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPrice: Money;
  lineTotal: Money;
  available: number;
  status?: string;
}

export interface Cart {
  id: string;
  items: CartLine[];
  total: Money;
  itemCount: number;
  updatedAt: string;
}

export type OrderStatus = 'Pending' | 'OnHold' | 'Paid' | 'Shipped' | 'Delivered' | 'Failed' | 'Cancelled';

export interface Order {
  id: string;
  status: OrderStatus;
  items: { productId: string; quantity: number; unitPrice: Money }[];
  total: Money;
  failureReason?: string;
  createdAt: string;
  updatedAt: string;
}

export interface StockLevels {
  productId: string;
  onHand: number;
  reserved: number;
  available: number;
  at?: string;
}

export interface Recommendation {
  productId: string;
  name: string;
  price: Money;
  score: number;
}

export interface AppNotification {
  id: string;
  type: string;
  title: string;
  body: string;
  orderId?: string;
  createdAt: string;
  readAt?: string | null;
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface Customer {
  id: string;
  email: string;
  name: string;
}

/** One field the API named as wrong (`body.payment.cardNumber`), with its message. */
export interface FieldError {
  path: string;
  message: string;
}

/** A refused request, said in words a shopper understands, with the fields the API named. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message);
  }
}

interface ProblemDocument {
  title?: string;
  detail?: string;
  errors?: FieldError[];
}

const wordsForStatus: Record<number, string> = {
  401: 'Please sign in again.',
  403: 'You are not allowed to do that.',
  404: 'That could not be found. It may have been removed.',
  409: 'That cannot be done right now.',
  412: 'Something changed meanwhile. Please try again.',
  413: 'That is too much to send at once.',
  429: 'Too many attempts. Please wait a moment and try again.',
  503: 'The shop is busy. Please try again in a moment.',
};

/** The words for a problem document (RFC 9457): its detail, else its title, else what the status means. */
export async function apiErrorOf(response: Response): Promise<ApiError> {
  let problem: ProblemDocument = {};
  try {
    problem = (await response.json()) as ProblemDocument;
  } catch {
    // Not a problem document: the status says enough.
  }
  const fallback = wordsForStatus[response.status] ?? `The shop could not do that (error ${response.status}).`;
  const errors = Array.isArray(problem.errors) ? problem.errors : [];
  const detail = problem.detail ?? (errors.length > 0 ? 'Please correct the marked fields.' : undefined);
  return new ApiError(response.status, detail ?? problem.title ?? fallback, errors);
}

/** A network failure (the shop unreachable), in words. */
export const unreachable = () => new ApiError(0, 'Could not reach the shop. Check your connection and try again.');

export interface RequestOptions {
  method?: string;
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

/** Sends a request to the platform's own origin; a refusal becomes an ApiError, a 204 `undefined`. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  } catch {
    throw unreachable();
  }
  if (!response.ok) throw await apiErrorOf(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A query string of the values given (empty ones left out). */
export function query(values: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
