import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KoaInstrumentation, KoaLayerType } from '@opentelemetry/instrumentation-koa';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { TediousInstrumentation } from '@opentelemetry/instrumentation-tedious';
import { tracingRequested } from './tracing';

/*
 * Imported first by the kit's index, so it runs before koa, pg and tedious are loaded: these instrumentations
 * patch a module as it is required. They report to the global tracer provider, which startTracing registers
 * later, once the host knows the service's name. better-sqlite3 has no OpenTelemetry instrumentation, so the
 * embedded topology's SQLite statements are not spans. Nothing is registered when tracing is off.
 */
if (tracingRequested()) {
  registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes would be most of the spans and say nothing about a request.
        ignoreIncomingRequestHook: (request) => /^\/(healthz|readyz|metrics)(\?|$)/.test(request.url ?? ''),
      }),
      // Router layers only: a span for each of the kit's middleware (context, metrics, problems, bodies) per
      // request would outnumber the spans that say something.
      new KoaInstrumentation({ ignoreLayersType: [KoaLayerType.MIDDLEWARE] }),
      new PgInstrumentation(),
      new TediousInstrumentation(),
    ],
  });
}
