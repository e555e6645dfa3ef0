import {
  type Attributes,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { TraceContext } from '../http/trace-context';

/**
 * Tracing is off unless the standard OTEL_* variables ask for an exporter: an OTLP endpoint, or an explicit
 * OTEL_TRACES_EXPORTER other than none. OTEL_SDK_DISABLED=true wins over both. Off costs nothing on the hot
 * paths: no instrumentation is loaded, no context manager runs (AsyncLocalStorage would tax every promise).
 */
export function tracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (exporters.includes('none')) return false;
  return exporters.length > 0 || Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** Set by startTracing; every kit span and context step checks it first, so "off" is one boolean test. */
let started = false;

export function tracingStarted(): boolean {
  return started;
}

/** Marks the SDK as running (startTracing in ./start-tracing does it once the provider is registered). */
export function markTracingStarted(): void {
  started = true;
}

/** Attribute naming the service whose work a kit span is: several services share one process when embedded. */
export const serviceAttribute = 'shop.service';

const tracer = () => trace.getTracer('@shop/kit');

/** The W3C traceparent of the span active here, when tracing runs and a span is active. */
export function currentTraceparent(): string | undefined {
  if (!started) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** Adds the active trace's traceparent (and tracestate) to outgoing headers when tracing runs. */
export function injectTraceHeaders(headers: Record<string, string>): Record<string, string> {
  if (started) propagation.inject(context.active(), headers);
  return headers;
}

/** The request's trace as the kit logs and echoes it: the active span's when tracing runs (the HTTP server span). */
export function activeTraceContext(): TraceContext | undefined {
  if (!started) return undefined;
  const span = trace.getActiveSpan()?.spanContext();
  if (!span || !trace.isSpanContextValid(span)) return undefined;
  const tracestate = span.traceState?.serialize();
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    sampled: (span.traceFlags & 1) === 1,
    ...(tracestate ? { tracestate } : {}),
  };
}

function contextOf(traceparent: string | null | undefined) {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
}

/**
 * Runs `work` in the trace `traceparent` names (a new trace when null): for work that runs long after, and outside,
 * the request that caused it, such as the relay publishing an outbox row. Without tracing it only runs `work`.
 */
export function withTraceparent<T>(traceparent: string | null | undefined, work: () => T): T {
  return started ? context.with(contextOf(traceparent), work) : work();
}

export interface KitSpanOptions {
  /** The service the work belongs to (the `shop.service` attribute). */
  service: string;
  kind?: SpanKind;
  /**
   * Continue this traceparent instead of the active context: an outbox row's or a delivered event's, whose work
   * runs long after (and outside) the request that started it. Undefined starts from the active context.
   */
  traceparent?: string | null;
  attributes?: Attributes;
}

/**
 * Runs `work` inside a span of the kit (a service's share of a request, an event's delivery, an outbox
 * publish), with the span active so that logs, outbox rows and outgoing calls made in `work` continue it.
 * Without tracing it only runs `work`.
 */
export function inKitSpan<T>(name: string, options: KitSpanOptions, work: (span?: Span) => Promise<T>): Promise<T> {
  if (!started) return work();
  const parent = options.traceparent === undefined ? context.active() : contextOf(options.traceparent);
  return tracer().startActiveSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      attributes: { [serviceAttribute]: options.service, ...options.attributes },
    },
    parent,
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: String((error as Error)?.message ?? error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

export { SpanKind };
