import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * One HTTP request to a hub and its response, on node:http's own objects, so that any framework (or none) can
 * hand a request over: the hub writes the whole response itself.
 */
export class HttpExchange {
  /** The request target's path, as sent (not decoded, not normalised). */
  readonly path: string;
  readonly query: URLSearchParams;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    this.path = queryAt === -1 ? target : target.slice(0, queryAt);
    this.query = new URLSearchParams(queryAt === -1 ? '' : target.slice(queryAt + 1));
  }

  get method(): string {
    return this.req.method ?? 'GET';
  }

  /** A request header, joined when it came more than once; '' when absent. */
  header(name: string): string {
    const value = this.req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : (value ?? '');
  }

  set(name: string, value: string): void {
    this.res.setHeader(name, value);
  }

  /** Adds `name` to Vary, keeping what is there. */
  vary(name: string): void {
    const current = this.res.getHeader('Vary');
    const names = current === undefined ? [] : String(current).split(/\s*,\s*/);
    if (!names.some((existing) => existing.toLowerCase() === name.toLowerCase())) names.push(name);
    this.res.setHeader('Vary', names.join(', '));
  }

  json(status: number, body: unknown, type = 'application/json; charset=utf-8'): void {
    this.bytes(status, type, Buffer.from(JSON.stringify(body), 'utf8'));
  }

  bytes(status: number, type: string, body: Buffer): void {
    this.res.statusCode = status;
    this.res.setHeader('Content-Type', type);
    this.res.setHeader('Content-Length', body.length);
    this.res.end(body);
  }

  /** A response without a body (204, or an empty 200/202). */
  empty(status: number): void {
    this.res.statusCode = status;
    if (status !== 204 && status !== 304) {
      this.res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      this.res.setHeader('Content-Length', 0);
    }
    this.res.end();
  }

  get answered(): boolean {
    return this.res.headersSent || this.res.writableEnded;
  }
}
