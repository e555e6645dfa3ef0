// A trace as Jaeger's query API answers it (GET /api/traces/<trace id>, the JSON its UI reads), as a tree to assert on.
import { eventually } from '@shop/testkit/src/eventually';

interface JaegerTag {
  key: string;
  type: string;
  value: unknown;
}
interface JaegerSpanJson {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: Array<{ refType: string; traceID: string; spanID: string }>;
  startTime: number;
  duration: number;
  tags?: JaegerTag[];
  processID: string;
}
interface JaegerTraceJson {
  traceID: string;
  spans: JaegerSpanJson[];
  processes: Record<string, { serviceName: string; tags?: JaegerTag[] }>;
}

/** One span of the trace, with what tells whose it is and where it hangs. */
export interface TraceSpan {
  spanId: string;
  /** The CHILD_OF reference: the span this one continues (possibly one Jaeger never received, e.g. the caller's). */
  parentId?: string;
  name: string;
  /** The resource's service.name: the app id for a service and for its daprd alike, `gateway` for the gateway. */
  process: string;
  /** The instrumentation scope that made it (otel.scope.name): an OpenTelemetry JS package, `@shop/kit`, or daprd's. */
  scope: string;
  kind: string;
  /** Microseconds since the epoch. */
  startTime: number;
  tags: Record<string, unknown>;
}

export interface Trace {
  traceId: string;
  spans: TraceSpan[];
  byId: Map<string, TraceSpan>;
  parentOf(span: TraceSpan): TraceSpan | undefined;
  /** The span and its ancestors up to the root, the span first. */
  ancestry(span: TraceSpan): TraceSpan[];
  /** Every span below `span`, at any depth. */
  descendants(span: TraceSpan): TraceSpan[];
}

/** A span daprd exported, rather than a Node service (whose scopes are OpenTelemetry JS packages or the kit). */
export function fromDaprd(span: TraceSpan): boolean {
  return !span.scope.startsWith('@opentelemetry/') && span.scope !== '@shop/kit';
}

/** Whose work a span is: `daprd <app id>` for a sidecar's; the kit's `shop.service` or the process otherwise. */
export function ownerOf(span: TraceSpan): string {
  if (fromDaprd(span)) return `daprd ${span.process}`;
  const named = span.tags['shop.service'];
  return typeof named === 'string' ? named : span.process;
}

/** A SQL statement span (PostgreSQL's OpenTelemetry instrumentation: the statement's text, never its values). */
export function isSqlStatement(span: TraceSpan): boolean {
  return span.tags['db.system.name'] === 'postgresql' && typeof span.tags['db.query.text'] === 'string';
}

export function toTrace(json: JaegerTraceJson): Trace {
  const spans = json.spans.map((span): TraceSpan => {
    const tags = Object.fromEntries((span.tags ?? []).map((tag) => [tag.key, tag.value]));
    return {
      spanId: span.spanID,
      parentId: span.references?.find((ref) => ref.refType === 'CHILD_OF')?.spanID,
      name: span.operationName,
      process: json.processes[span.processID]?.serviceName ?? '?',
      scope: String(tags['otel.scope.name'] ?? tags['otel.library.name'] ?? ''),
      kind: String(tags['span.kind'] ?? 'internal'),
      startTime: span.startTime,
      tags,
    };
  });
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const parentOf = (span: TraceSpan) => (span.parentId ? byId.get(span.parentId) : undefined);
  const childrenOf = new Map<string, TraceSpan[]>();
  for (const span of spans) {
    if (span.parentId) childrenOf.set(span.parentId, [...(childrenOf.get(span.parentId) ?? []), span]);
  }
  return {
    traceId: json.traceID,
    spans,
    byId,
    parentOf,
    ancestry(span) {
      const chain = [span];
      for (let parent = parentOf(span); parent && !chain.includes(parent); parent = parentOf(parent))
        chain.push(parent);
      return chain;
    },
    descendants(span) {
      const found: TraceSpan[] = [];
      const queue = [...(childrenOf.get(span.spanId) ?? [])];
      for (let next = queue.shift(); next; next = queue.shift()) {
        found.push(next);
        queue.push(...(childrenOf.get(next.spanId) ?? []));
      }
      return found;
    },
  };
}

/** Reads the trace from Jaeger's query API. */
export async function readTrace(queryUrl: string, traceId: string): Promise<Trace | undefined> {
  const res = await fetch(`${queryUrl}/api/traces/${traceId}`);
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`Jaeger answered ${res.status} for trace ${traceId}: ${await res.text()}`);
  const body = (await res.json()) as { data?: JaegerTraceJson[] };
  const found = body.data?.[0];
  return found ? toTrace(found) : undefined;
}

/**
 * Waits until Jaeger holds spans of every one of `owners` in the trace, then until no new span arrived for a second
 * (the saga's last batches are on their way), and answers the trace.
 */
export async function traceSettled(queryUrl: string, traceId: string, owners: string[]): Promise<Trace> {
  await eventually(
    async () => {
      const trace = await readTrace(queryUrl, traceId);
      const missing = owners.filter((owner) => !trace?.spans.some((span) => ownerOf(span) === owner));
      if (missing.length > 0) throw new Error(`Jaeger has no span of ${missing.join(', ')} in trace ${traceId} yet`);
    },
    30_000,
    250,
  );
  let trace = (await readTrace(queryUrl, traceId)) as Trace;
  for (let quietSince = Date.now(), deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = (await readTrace(queryUrl, traceId)) as Trace;
    if (now.spans.length !== trace.spans.length) [trace, quietSince] = [now, Date.now()];
    else if (Date.now() - quietSince >= 1_000) break;
  }
  return trace;
}

/** The trace as an indented tree (owner, kind, name), for the test's log and its failure messages. */
export function printable(trace: Trace): string {
  const children = new Map<string | undefined, TraceSpan[]>();
  for (const span of trace.spans) {
    const parent = span.parentId && trace.byId.has(span.parentId) ? span.parentId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  for (const siblings of children.values()) siblings.sort((a, b) => a.startTime - b.startTime);
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const span of children.get(parent) ?? []) {
      lines.push(`${'  '.repeat(depth)}${ownerOf(span)} [${span.kind}] ${span.name}`);
      walk(span.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join('\n');
}
