import { Agent, request } from 'node:http';

/** Answers a request's status, its body read and dropped. */
export type StatusOf = (
  url: string,
  method: string,
  headers?: Record<string, string>,
  body?: string,
) => Promise<number>;

/**
 * The load generator's HTTP: node:http on kept-alive sockets, at most `maxSockets` at once. fetch (undici) costs the
 * generator several times more CPU per request, and the generator shares the two cores with the servers it measures.
 */
export function keptAliveHttp(maxSockets: number): { statusOf: StatusOf; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const statusOf: StatusOf = (url, method, headers = {}, body) => {
    const bodyHeaders =
      body === undefined ? {} : { 'content-type': 'application/json', 'content-length': `${Buffer.byteLength(body)}` };
    return new Promise((resolve, reject) => {
      const req = request(url, { method, agent, headers: { ...headers, ...bodyHeaders } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  };
  return { statusOf, close: () => agent.destroy() };
}
