import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../log/logger';
import { noneMatch } from './entity-tags';
import { identifyRequest, type RequestLogLevel, requestIdHeader, requestLine } from './request-context';
import { type RequestDurations, requestDurationsIn, secondsSince } from './request-durations';
import { traceparentOf } from './trace-context';

/** A representation ready to send as it is: its JSON text and its ETag. */
export interface ReadyAnswer {
  json: string;
  etag: string;
}

/**
 * A public GET whose answer is usually ready-made (a cached product): the host answers it ahead of the Koa
 * pipeline, the way an output cache answers before the application, with the same status, body and headers
 * (X-Request-Id, traceparent, ETag, 304 for a matching If-None-Match) and the same request metrics. Anything
 * else, including every path the route does not name in its plain form and every request with credentials,
 * goes the full way, as does a read whose `answer` is undefined (nothing to show: the route answers 404 or
 * whatever applies) or fails.
 */
export interface ReadyRead {
  /** The route pattern as the router declares it (the metrics label), e.g. '/api/products/:id'. */
  route: string;
  /**
   * What the path (and the query string after `?`, '' without one) asks for when it is this route's in its plain
   * form (the id), else undefined.
   */
  keyOf(path: string, query: string): string | undefined;
  answer(key: string): Promise<ReadyAnswer | undefined>;
}

export interface ReadyReadsOptions {
  /** The app name in the request metrics (what the Koa pipeline would record). */
  service: string;
  log: Logger;
  /** The registry whose request histogram the pipeline records into. */
  metrics: Registry;
  /** The level of the pipeline's request lines (createHttpApp's requestLogLevel); info when not given. */
  requestLogLevel?: RequestLogLevel;
}

/**
 * Wraps the Koa pipeline's listener: GETs of a ready read are answered here. Why: the pipeline's middleware
 * (context, problem documents, routing, validation, access) costs more CPU than the whole rest of a cached read.
 */
export function answerReadyReads(
  reads: ReadyRead[],
  fullWay: RequestListener,
  options: ReadyReadsOptions,
): RequestListener {
  if (reads.length === 0) return fullWay;
  const durations = requestDurationsIn(options.metrics);
  const requestLevel = options.requestLogLevel ?? 'info';
  return (req, res) => {
    // Credentials must be checked by the pipeline (401 on a bad token).
    if (req.method !== 'GET' || req.headers.authorization !== undefined) {
      return fullWay(req, res);
    }
    const url = req.url ?? '';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const query = queryAt === -1 ? '' : url.slice(queryAt + 1);
    for (const read of reads) {
      const key = read.keyOf(path, query);
      if (key === undefined) continue;
      const startedAt = process.hrtime.bigint();
      read.answer(key).then(
        (answer) =>
          answer
            ? send(req, res, answer, read.route, startedAt, { ...options, requestLevel, durations })
            : fullWay(req, res),
        (error: unknown) => {
          options.log.warn({ err: error, route: read.route }, 'ready read failed; answering the full way');
          fullWay(req, res);
        },
      );
      return;
    }
    fullWay(req, res);
  };
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

function send(
  req: IncomingMessage,
  res: ServerResponse,
  answer: ReadyAnswer,
  route: string,
  startedAt: bigint,
  options: { service: string; log: Logger; requestLevel: RequestLogLevel; durations: RequestDurations },
): void {
  const { requestId, trace } = identifyRequest(
    header(req, requestIdHeader),
    header(req, 'traceparent'),
    header(req, 'tracestate'),
  );
  // One flat list for writeHead: cheaper than setHeader per header, which stores and re-validates each one.
  const headers = [requestIdHeader, requestId, 'traceparent', traceparentOf(trace), 'ETag', answer.etag];
  if (noneMatch(header(req, 'if-none-match') ?? '', answer.etag)) {
    headers.push('Content-Type', 'application/json; charset=utf-8');
    headers.push('Content-Length', String(Buffer.byteLength(answer.json)));
    res.writeHead(200, headers);
    res.end(answer.json);
  } else {
    res.writeHead(304, headers);
    res.end();
  }
  options.durations.observe(options.service, 'GET', route, res.statusCode, secondsSince(startedAt));
  // The line the pipeline would have written, with the same ids the answer echoes.
  const { log, requestLevel } = options;
  if (log[requestLevel]()) {
    log
      .child({ req_id: requestId, trace_id: trace.traceId, span_id: trace.spanId }, true)
      [requestLevel](requestLine('GET', { route }, res.statusCode, startedAt), 'request');
  }
}
