import { NodeSDK } from '@opentelemetry/sdk-node';
import { markTracingStarted, tracingRequested } from './tracing';

export interface Tracing {
  /** Exports the spans still buffered and stops the SDK (the host's last closer). */
  shutdown(): Promise<void>;
}

let running: Tracing | undefined;

/**
 * Starts the OpenTelemetry SDK for this process when the OTEL_* variables ask for it (see tracingRequested):
 * spans go to the OTLP exporter the standard variables describe (http/protobuf unless
 * OTEL_EXPORTER_OTLP_PROTOCOL says otherwise), under resource `service.name` = `serviceName`. Traces only:
 * metrics stay on /metrics and logs on stdout. Answers undefined when tracing is off. `env` decides whether
 * tracing runs (the hosts' env option); the SDK itself reads the OTEL_* variables from process.env, as OpenTelemetry's
 * SDKs do, and the instrumentations were registered from process.env as the kit loaded.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  if (running) return running;
  if (!tracingRequested(env)) return undefined;
  // The instrumentations are registered by ./instrument as the kit loads; the SDK adds the provider to them.
  const sdk = new NodeSDK({ serviceName, instrumentations: [], metricReaders: [], logRecordProcessors: [] });
  sdk.start();
  markTracingStarted();
  running = { shutdown: () => sdk.shutdown() };
  return running;
}
