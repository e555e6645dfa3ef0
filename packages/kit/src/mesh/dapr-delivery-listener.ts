import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { appApiTokenCheck, daprApiTokenHeader } from '../host/app-api-token';
import { problemContentType } from '../http/problem';
import { identifyRequest, type RequestLogLevel, requestIdHeader, requestLine } from '../http/request-context';
import { type RequestDurations, requestDurationsIn, secondsSince } from '../http/request-durations';
import { traceparentOf } from '../http/trace-context';
import type { Logger } from '../log/logger';
import { type DaprDeliveries, eventRoutePrefix } from './dapr-app-routes';

export interface DaprDeliveryListenerOptions {
  /** The app name in the request metrics (what the Koa pipeline would record). */
  service: string;
  log: Logger;
  metrics: Registry;
  /** What daprd presents in dapr-api-token; a delivery without it goes the full way (and is refused there). */
  appApiToken: string;
  /** Largest body taken here; a larger one goes the full way (its 413). */
  bodyLimitBytes: number;
  /** The level of the request line each delivery ends with, as the pipeline writes it (info by default). */
  requestLogLevel?: RequestLogLevel;
}

const route = `${eventRoutePrefix}:topic`;
const deliverableTypes = new Set(['application/cloudevents+json', 'application/json']);

/**
 * Wraps the Koa pipeline's listener: daprd's event deliveries are answered here. Why: a delivery is the commonest
 * request an app serves in the Dapr topology (eleven per order), and the pipeline's middleware (context, metrics,
 * problem documents, target check, token, body parser, routing) cost more than the handling of many events; the
 * body was also parsed twice. Only a delivery that the pipeline would hand to the same route takes this way: POST,
 * the plain path of a subscribed topic, the app API token (checked before any byte of the body is read, as the
 * pipeline does), a JSON or CloudEvent content type and a declared length within the limit. Everything else, a
 * wrong token included, goes the full way and gets the pipeline's answer.
 */
export function answerDaprDeliveries(
  deliveries: DaprDeliveries,
  fullWay: RequestListener,
  options: DaprDeliveryListenerOptions,
): RequestListener {
  const durations = requestDurationsIn(options.metrics);
  const requestLevel = options.requestLogLevel ?? 'info';
  const presentsToken = appApiTokenCheck(options.appApiToken);
  return (req, res) => {
    const topic = deliveryTopic(req, deliveries, options.bodyLimitBytes, presentsToken);
    if (topic === undefined) return fullWay(req, res);
    const startedAt = process.hrtime.bigint();
    readBody(req).then(
      (body) => deliver(req, res, topic, body, deliveries, { ...options, requestLevel }, durations, startedAt),
      (error: unknown) => {
        options.log.debug({ err: error }, 'a delivery’s body could not be read');
        req.socket.destroy();
      },
    );
  };
}

/** The topic a request delivers when it is a delivery this listener may take, else undefined. */
function deliveryTopic(
  req: IncomingMessage,
  deliveries: DaprDeliveries,
  bodyLimitBytes: number,
  presentsToken: (presented: string | undefined) => boolean,
): string | undefined {
  const url = req.url;
  if (req.method !== 'POST' || url === undefined || !url.startsWith(eventRoutePrefix)) return undefined;
  const topic = url.slice(eventRoutePrefix.length);
  if (!deliveries.subscribes(topic)) return undefined;
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!deliverableTypes.has(contentType)) return undefined;
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'identity') return undefined;
  const length = Number(req.headers['content-length']);
  if (!Number.isInteger(length) || length < 0 || length > bodyLimitBytes) return undefined;
  if (!presentsToken(header(req, daprApiTokenHeader))) return undefined;
  return topic;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

async function deliver(
  req: IncomingMessage,
  res: ServerResponse,
  topic: string,
  body: string,
  deliveries: DaprDeliveries,
  options: DaprDeliveryListenerOptions & { requestLevel: RequestLogLevel },
  durations: RequestDurations,
  startedAt: bigint,
): Promise<void> {
  const { requestId, trace } = identifyRequest(
    header(req, requestIdHeader),
    header(req, 'traceparent'),
    header(req, 'tracestate'),
  );
  // The same fields the pipeline's request logger carries, so an event's lines name its trace either way.
  const log = options.log.child({ req_id: requestId, trace_id: trace.traceId, span_id: trace.spanId }, true);
  let cloudEvent: unknown;
  try {
    cloudEvent = JSON.parse(body);
  } catch {
    cloudEvent = undefined;
  }
  let status = 500;
  try {
    const answer = await deliveries.deliver(topic, cloudEvent, log, header(req, 'content-type') ?? '');
    status = answer.httpStatus;
    const json = JSON.stringify(answer.body);
    res.writeHead(status, [
      requestIdHeader,
      requestId,
      'traceparent',
      traceparentOf(trace),
      'Content-Type',
      'application/json; charset=utf-8',
      'Content-Length',
      String(Buffer.byteLength(json)),
    ]);
    res.end(json);
  } catch (error) {
    // deliver() answers RETRY for a failing handler; only a fault of its own lands here, answered as the pipeline would.
    status = 500;
    log.error({ err: error, ...requestLine('POST', { route }, status, startedAt) }, 'request failed');
    const problem = JSON.stringify({ type: 'about:blank', title: 'Internal Server Error', status: 500 });
    res.writeHead(500, ['Content-Type', problemContentType, 'Content-Length', String(Buffer.byteLength(problem))]);
    res.end(problem);
  } finally {
    durations.observe(options.service, 'POST', route, status, secondsSince(startedAt));
  }
  // The line the pipeline would have written, with the same ids the answer echoes.
  if (status < 500 && options.log[options.requestLevel]()) {
    log[options.requestLevel](requestLine('POST', { route }, status, startedAt), 'request');
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
