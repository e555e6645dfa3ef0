import type { IncomingMessage } from 'node:http';
import type { HttpExchange } from './http-exchange';

/** Transport and negotiate refusals: RFC 9457 documents, naming the offending part of the request. */
export function refuse(exchange: HttpExchange, status: number, detail: string, field?: string): void {
  exchange.json(
    status,
    {
      type: 'about:blank',
      title: statusTitles[status] ?? 'Client Error',
      status,
      detail,
      ...(field ? { errors: [{ path: field, message: detail }] } : {}),
    },
    'application/problem+json',
  );
}

const statusTitles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Responses of the transports must never be cached (TransportProtocols.md). */
export function noCache(exchange: HttpExchange): void {
  exchange.set('Cache-Control', 'no-cache, no-store');
  exchange.set('Pragma', 'no-cache');
  exchange.set('Expires', 'Thu, 01 Jan 1970 00:00:00 GMT');
}

export class BodyTooLargeError extends Error {}

/** The raw request body, whatever its content type: the transports POST protocol bytes, text or binary. */
export async function readRawBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req) {
    length += (chunk as Buffer).length;
    if (length > limitBytes) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length);
}

/** Bearer token from the Authorization header, or from `access_token` (browsers cannot set headers on WebSockets and EventSource). */
export function bearerToken(
  authorization: string | undefined,
  query: URLSearchParams,
): { token: string | undefined; malformed: boolean } {
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match ? { token: match[1], malformed: false } : { token: undefined, malformed: true };
  }
  const token = query.get('access_token');
  return { token: token || undefined, malformed: false };
}
