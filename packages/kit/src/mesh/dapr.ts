import {
  CommunicationProtocolEnum,
  DaprClient,
  type LoggerService,
  LogLevel,
  StateConcurrencyEnum,
  StateConsistencyEnum,
} from '@dapr/dapr';
import type { EventEnvelope } from '@shop/contracts';
import type { Logger } from '../log/logger';
import { injectTraceHeaders, inKitSpan, SpanKind } from '../tracing/tracing';
import {
  BindingError,
  type BindingRequest,
  EtagMismatchError,
  type InvokeRequest,
  type InvokeResponse,
  InvokeTimeoutError,
  type Mesh,
  type OutputBindings,
  type SaveOptions,
  type StateEntry,
  type StateStore,
  type TracedEvent,
} from './port';
import { parseResponseBody } from './response-body';
import { type SidecarHttp, sidecarHttp } from './sidecar-http';

export interface DaprMeshOptions {
  appId: string;
  daprHost?: string;
  daprHttpPort: number;
  /** Sent in dapr-api-token on every call, as daprd requires when it runs with env DAPR_API_TOKEN. */
  daprApiToken?: string;
  pubsubName?: string;
  stateStoreName?: string;
  logger?: Logger;
}

/**
 * The mesh through this service's daprd: DaprClient (HTTP) for state, the sidecar's HTTP API for invoke and publish
 * (on node:http: fetch's web streams were the largest share of the orders service's CPU under load; and the
 * SDK's publish cannot send a traceparent header, which daprd needs to continue the trace into the CloudEvent).
 */
export function createDaprMesh(options: DaprMeshOptions): Mesh {
  const daprHost = options.daprHost ?? '127.0.0.1';
  const pubsubName = options.pubsubName ?? 'pubsub';
  const storeName = options.stateStoreName ?? 'statestore';
  const client = new DaprClient({
    daprHost,
    daprPort: String(options.daprHttpPort),
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    daprApiToken: options.daprApiToken,
    // The SDK logs every failed call itself; we turn failures into errors, so its lines are only debug detail.
    logger: { level: LogLevel.Debug, service: sdkLogger(options.logger?.child({ appId: options.appId })) },
  });
  const sidecar = sidecarHttp(daprHost, options.daprHttpPort, { apiToken: options.daprApiToken });

  return {
    invoke: (appId, path, request) => invokeThroughSidecar(sidecar, appId, path, request),

    publish: (topic: string, event: EventEnvelope) =>
      inKitSpan(`${options.appId} publish ${topic}`, { service: options.appId, kind: SpanKind.PRODUCER }, () =>
        publishThroughSidecar(sidecar, pubsubName, topic, event),
      ),

    publishBulk: (topic, events) => publishBulkThroughSidecar(sidecar, pubsubName, topic, events),

    state: daprStateStore(client, storeName),

    bindings: outputBindingsThroughSidecar(sidecar),
  };
}

/** daprd's output binding API: `POST /v1.0/bindings/{name}` with `{operation, data, metadata}`. */
function outputBindingsThroughSidecar(sidecar: SidecarHttp): OutputBindings {
  return {
    async invoke(name: string, request: BindingRequest) {
      const answer = await sidecar
        .send('POST', `/v1.0/bindings/${encodeURIComponent(name)}`, {
          headers: injectTraceHeaders({ 'content-type': 'application/json' }),
          body: JSON.stringify(request),
        })
        .catch((error: unknown) => {
          throw new BindingError(name, undefined, (error as Error)?.message ?? String(error));
        });
      const body = parseResponseBody(answer.headers['content-type'], answer.text);
      if (answer.status !== 200 && answer.status !== 204) {
        const { message } = (typeof body === 'object' && body !== null ? body : {}) as { message?: unknown };
        throw new BindingError(name, answer.status, typeof message === 'string' ? message : answer.text);
      }
      // daprd hands the binding's response metadata back as `metadata.<key>` headers.
      const metadata = Object.fromEntries(
        Object.entries(answer.headers)
          .filter(([header]) => header.startsWith('metadata.'))
          .map(([header, value]) => [header.slice('metadata.'.length), value]),
      );
      return { body, metadata };
    },
  };
}

async function publishThroughSidecar(sidecar: SidecarHttp, pubsubName: string, topic: string, event: EventEnvelope) {
  // Explicitly JSON, so daprd always wraps the envelope as the CloudEvent's `data`: an object that happened to
  // carry id, source, type and specversion would otherwise be taken as a CloudEvent of its own.
  const answer = await sidecar
    .send('POST', `/v1.0/publish/${encodeURIComponent(pubsubName)}/${encodeURIComponent(topic)}`, {
      headers: injectTraceHeaders({ 'content-type': 'application/json' }),
      body: JSON.stringify(event),
    })
    .catch((error: unknown) => {
      throw new Error(`publishing to ${topic} failed: daprd answered nothing: ${(error as Error)?.message}`, {
        cause: error,
      });
    });
  if (answer.status !== 204 && answer.status !== 200) {
    const { message } = (parseResponseBody(answer.headers['content-type'], answer.text) ?? {}) as { message?: string };
    throw new Error(`publishing to ${topic} failed: daprd answered ${answer.status}: ${message ?? answer.text}`);
  }
}

/**
 * daprd's bulk publish API (`POST /v1.0-alpha1/publish/bulk/{pubsub}/{topic}`): one request, one CloudEvent per
 * entry. Each entry is JSON, so daprd wraps the envelope as the CloudEvent's data as a single publish does, and
 * carries its own traceparent (the `cloudevent.traceparent` override), so each event continues the trace of the
 * work that wrote it rather than the relay's. daprd answers 204 when every entry is on the broker; otherwise it
 * names the failed entries, and the whole call counts as failed (the relay publishes the batch again).
 */
async function publishBulkThroughSidecar(
  sidecar: SidecarHttp,
  pubsubName: string,
  topic: string,
  events: TracedEvent[],
): Promise<void> {
  const entries = events.map(({ event, traceparent }, index) =>
    JSON.stringify({
      entryId: String(index),
      event,
      contentType: 'application/json',
      ...(traceparent ? { metadata: { 'cloudevent.traceparent': traceparent } } : {}),
    }),
  );
  // Calls stay far below daprd's request size limit (4 MiB by default), whatever the events weigh.
  for (const call of callsOf(entries, bulkCallMaxBytes)) {
    await bulkPublishCall(sidecar, pubsubName, topic, call);
  }
}

/** The most JSON one bulk publish call carries (an event larger than this still goes, alone). */
const bulkCallMaxBytes = 1024 * 1024;

/** Consecutive entries grouped into calls of at most `maxBytes` of JSON each (an entry larger than that alone). */
export function callsOf(entries: string[], maxBytes: number): string[][] {
  const calls: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const entry of entries) {
    const bytes = Buffer.byteLength(entry) + 1;
    if (current.length > 0 && size + bytes > maxBytes) {
      calls.push(current);
      current = [];
      size = 0;
    }
    current.push(entry);
    size += bytes;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

async function bulkPublishCall(sidecar: SidecarHttp, pubsubName: string, topic: string, entries: string[]) {
  const answer = await sidecar
    .send('POST', `/v1.0-alpha1/publish/bulk/${encodeURIComponent(pubsubName)}/${encodeURIComponent(topic)}`, {
      headers: { 'content-type': 'application/json' },
      body: `[${entries.join(',')}]`,
    })
    .catch((error: unknown) => {
      throw new Error(
        `publishing ${entries.length} events to ${topic} failed: daprd answered nothing: ${(error as Error)?.message}`,
        { cause: error },
      );
    });
  if (answer.status !== 204 && answer.status !== 200) {
    const body = parseResponseBody(answer.headers['content-type'], answer.text) as
      | { message?: string; failedEntries?: Array<{ entryId: string; error?: string }> }
      | undefined;
    const failed = body?.failedEntries?.length;
    throw new Error(
      `publishing ${entries.length} events to ${topic} failed: daprd answered ${answer.status}` +
        `${failed === undefined ? '' : ` (${failed} entries failed)`}: ${body?.message ?? body?.failedEntries?.[0]?.error ?? answer.text}`,
    );
  }
}

function daprStateStore(client: DaprClient, storeName: string): StateStore {
  return {
    async get<T>(key: string): Promise<StateEntry<T> | undefined> {
      // state.get() drops the ETag (js-sdk#540); the bulk API returns it with the value.
      const [item] = (await client.state.getBulk(storeName, [key])) as BulkStateItem[];
      if (!item || item.etag === undefined || item.data === undefined) return undefined;
      return { value: item.data as T, etag: item.etag };
    },

    async getBulk<T>(keys: string[]): Promise<Array<StateEntry<T> | undefined>> {
      if (keys.length === 0) return [];
      const items = (await client.state.getBulk(storeName, keys)) as BulkStateItem[];
      const byKey = new Map(items.map((item) => [item.key, item]));
      return keys.map((key) => {
        const item = byKey.get(key);
        return item && item.etag !== undefined && item.data !== undefined
          ? { value: item.data as T, etag: item.etag }
          : undefined;
      });
    },

    async save<T>(key: string, value: T, options: SaveOptions = {}) {
      const metadata = options.ttlSeconds === undefined ? undefined : { ttlInSeconds: String(options.ttlSeconds) };
      const result = await client.state.save(storeName, [{ key, value, metadata, ...conditionOf(options) }]);
      // save() and delete() report failures as {error} instead of throwing.
      if (result.error) throw stateError(key, `saving ${key} failed`, result.error);
    },

    async delete(key: string, options: { etag?: string } = {}) {
      // The SDK puts the key in the URL as it is.
      const result = await client.state.delete(storeName, encodeURIComponent(key), { etag: options.etag });
      if (result.error) throw stateError(key, `deleting ${key} failed`, result.error);
    },
  };
}

/**
 * state.redis lets a save onto a missing key through whatever ETag it carries, so a conditional write is made
 * with first-write concurrency: that marks the entry, and a marked entry refuses a save whose ETag is not its
 * version. Version 0 is never one, so "0" with first-write means "only if absent": it creates a missing entry
 * and is refused (409, an ETag mismatch) by any entry written conditionally, which every read-modify-write is.
 */
function conditionOf(options: SaveOptions): {
  etag?: string;
  options?: { concurrency: StateConcurrencyEnum; consistency: StateConsistencyEnum };
} {
  if (options.etag === undefined && !options.ifAbsent) return {};
  return {
    etag: options.ifAbsent ? '0' : options.etag,
    options: {
      concurrency: StateConcurrencyEnum.CONCURRENCY_FIRST_WRITE,
      consistency: StateConsistencyEnum.CONSISTENCY_UNSPECIFIED,
    },
  };
}

interface BulkStateItem {
  key: string;
  data?: unknown;
  etag?: string;
}

// The HTTP client's errors carry the sidecar's answer as JSON in the message: {error, error_msg, status}.
function sidecarStatusOf(error: unknown): { status?: number; detail: string } {
  const message = error instanceof Error ? error.message : String(error);
  try {
    const parsed = JSON.parse(message) as { status?: number; error_msg?: string };
    return { status: parsed.status, detail: parsed.error_msg ?? message };
  } catch {
    return { detail: message };
  }
}

function stateError(key: string, what: string, error: unknown): Error {
  // daprd answers 409 for an ETag mismatch (400 for an ETag that is not a version number).
  if (sidecarStatusOf(error).status === 409) return new EtagMismatchError(key);
  return sidecarError(what, error);
}

function sidecarError(what: string, error: unknown): Error {
  const { status, detail } = sidecarStatusOf(error);
  return new Error(`${what}: daprd answered ${status ?? 'nothing'}: ${detail}`, { cause: error });
}

/*
 * Service invocation goes to the sidecar's HTTP API with fetch rather than DaprClient.invoker: the invoker
 * throws for every status >= 400 and returns only the parsed body, so the callee's status and headers are
 * lost, and the port promises the caller exactly what the callee answered (404s and 500s included).
 */
async function invokeThroughSidecar(
  sidecar: SidecarHttp,
  appId: string,
  path: string,
  request: InvokeRequest = {},
): Promise<InvokeResponse> {
  const hasBody = request.body !== undefined;
  const method = path.replace(/^\/+/, '');
  // node:http refuses what a URL would have escaped (spaces, non-ASCII): escape it the way fetch did.
  const escaped = /[^\x21-\x7e]/.test(method) ? encodeURI(method) : method;
  // The budget aborts the request to daprd, whatever daprd's own retries and timeouts would still do.
  const signal = request.timeoutMs === undefined ? undefined : AbortSignal.timeout(request.timeoutMs);
  const answer = await sidecar
    .send(request.method ?? 'GET', `/v1.0/invoke/${encodeURIComponent(appId)}/method/${escaped}`, {
      headers: injectTraceHeaders({ ...(hasBody ? { 'content-type': 'application/json' } : {}), ...request.headers }),
      body: hasBody ? JSON.stringify(request.body) : undefined,
      ...(signal ? { signal } : {}),
    })
    .catch((error: unknown) => {
      if (signal?.aborted && request.timeoutMs !== undefined) {
        throw new InvokeTimeoutError(appId, path, request.timeoutMs);
      }
      throw error;
    });
  const body = parseResponseBody(answer.headers['content-type'], answer.text);
  const sidecarFailure = sidecarInvokeFailure(body);
  if (sidecarFailure) throw new Error(`invoking ${appId} ${path} failed in the sidecar: ${sidecarFailure}`);
  return { status: answer.status, headers: answer.headers, body };
}

// daprd's own failures (no such app, unreachable, timed out) come back as 500 with an ERR_DIRECT_INVOKE* code;
// the callee's answers, errors included, are passed through untouched.
function sidecarInvokeFailure(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { errorCode, message } = body as { errorCode?: unknown; message?: unknown };
  if (typeof errorCode !== 'string' || !errorCode.startsWith('ERR_DIRECT_INVOKE')) return undefined;
  return typeof message === 'string' ? message : errorCode;
}

function sdkLogger(logger: Logger | undefined): LoggerService {
  const log = (message: unknown, ...rest: unknown[]) => logger?.debug({ sdk: 'dapr', detail: rest }, String(message));
  return { error: log, warn: log, info: log, verbose: log, debug: log };
}
