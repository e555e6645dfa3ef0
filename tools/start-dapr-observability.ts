// `npm run start:dapr -- --observability`: Jaeger beside the platform. Imported first by tools/start-dapr.ts, so the
// OTEL_* variables that send every span to that Jaeger are set before the kit loads: the kit registers its
// instrumentations as it loads, and only when tracing is asked for, and the gateway runs in start-dapr's own process.
// The services and their sidecars inherit the variables.
import { join } from 'node:path';
import { defaultJaegerPorts, exportingTo, type RunningJaeger, startJaeger } from '@shop/testkit/src/jaeger';

export const observability = process.argv.slice(2).includes('--observability');

const otlpHttpUrl = `http://127.0.0.1:${defaultJaegerPorts.otlpHttp}`;
if (observability) Object.assign(process.env, exportingTo({ otlpHttpUrl }));

/** Starts Jaeger on its usual ports (UI and query API on 16686, OTLP on 4317 and 4318) when the flag asks for it. */
export async function startObservability(dataDir: string): Promise<RunningJaeger | undefined> {
  if (!observability) return undefined;
  return startJaeger({ dir: join(dataDir, 'jaeger'), ports: defaultJaegerPorts });
}
