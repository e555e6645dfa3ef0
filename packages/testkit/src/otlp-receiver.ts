import type { IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
// The protobufjs code generated from the official opentelemetry-proto definitions, as
// @opentelemetry/otlp-transformer 0.57 shipped it (later versions encode by hand and ship no decoder).
// Its declaration file types the module as a bare protobufjs Root, so the shapes read here are declared below.
import generatedRoot from '@opentelemetry/otlp-transformer/build/src/generated/root';
import { type Listening, listen } from './listen';

interface AnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: number | { toString(): string } | null;
  doubleValue?: number | null;
  arrayValue?: { values?: AnyValue[] | null } | null;
}
type KeyValues = Array<{ key?: string | null; value?: AnyValue | null }> | null | undefined;
interface DecodedTraces {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValues } | null;
    scopeSpans?: Array<{
      scope?: { name?: string | null } | null;
      spans?: Array<{
        traceId?: Uint8Array | null;
        spanId?: Uint8Array | null;
        parentSpanId?: Uint8Array | null;
        name?: string | null;
        attributes?: KeyValues;
      }> | null;
    }> | null;
  }> | null;
}
const ExportTraceServiceRequest = (
  generatedRoot as unknown as {
    opentelemetry: {
      proto: {
        collector: { trace: { v1: { ExportTraceServiceRequest: { decode(body: Uint8Array): DecodedTraces } } } };
      };
    };
  }
).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/** One span as an OTLP exporter sent it, with what the receiver needs to tell whose it is. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** The resource's service.name: the app id (daprd uses its app id too). */
  service: string;
  /** The instrumentation scope that made the span (e.g. @opentelemetry/instrumentation-http, @shop/kit). */
  scope: string;
  attributes: Record<string, unknown>;
}

export interface OtlpReceiver extends Listening {
  /** Every span received so far, in arrival order. */
  readonly spans: ReceivedSpan[];
  /** How many export requests arrived, by content type (a check on what the exporters speak). */
  readonly requests: Map<string, number>;
}

/**
 * A real OTLP/HTTP trace receiver (POST /v1/traces, binary protobuf, gzip or not) that keeps what it decodes:
 * tests point OTEL_EXPORTER_OTLP_ENDPOINT of services and sidecars at it and look for their spans.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests = new Map<string, number>();
  const listening = await listen(async (req, res) => {
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/traces') {
      res.writeHead(404).end();
      return;
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    requests.set(contentType, (requests.get(contentType) ?? 0) + 1);
    if (contentType !== 'application/x-protobuf') {
      res.writeHead(415).end();
      return;
    }
    try {
      spans.push(...decodeTraces(await bodyOf(req)));
    } catch {
      res.writeHead(400).end();
      return;
    }
    // An empty ExportTraceServiceResponse: everything accepted.
    res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 }).end();
  });
  return { ...listening, spans, requests };
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

function decodeTraces(body: Buffer): ReceivedSpan[] {
  const request = ExportTraceServiceRequest.decode(body);
  const received: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? '');
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      const scope = scopeSpans.scope?.name ?? '';
      for (const span of scopeSpans.spans ?? []) {
        const parent = span.parentSpanId && span.parentSpanId.length > 0 ? hex(span.parentSpanId) : undefined;
        received.push({
          traceId: hex(span.traceId),
          spanId: hex(span.spanId),
          ...(parent ? { parentSpanId: parent } : {}),
          name: span.name ?? '',
          service,
          scope,
          attributes: attributesOf(span.attributes),
        });
      }
    }
  }
  return received;
}

function hex(bytes: Uint8Array | null | undefined): string {
  return bytes ? Buffer.from(bytes).toString('hex') : '';
}

function attributesOf(attributes: KeyValues): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const { key, value } of attributes ?? []) if (key) result[key] = plain(value);
  return result;
}

function plain(value: AnyValue | null | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue != null) return value.stringValue;
  if (value.boolValue != null) return value.boolValue;
  if (value.intValue != null) return Number(value.intValue);
  if (value.doubleValue != null) return value.doubleValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plain);
  return undefined;
}
