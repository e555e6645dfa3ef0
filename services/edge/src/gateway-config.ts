import { ConfigError, hostConfigSchema, loadConfig } from '@shop/kit';
import Joi from 'joi';

/** The gateway process's environment, validated once at start (README, Configuration). */
export interface GatewayConfig {
  NODE_ENV: string;
  LOG_LEVEL: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  LOG_FORMAT?: 'pretty' | 'json';
  SHUTDOWN_GRACE_MS: number;
  HOST: string;
  PORT: number;
  /** When set, the gateway's own probes and /metrics are served here and /metrics is 404 on PORT. */
  OPERATIONS_PORT?: number;
  IDLE_TIMEOUT_MS: number;
  INTERNAL_ONLY_PATHS: string[];
  /**
   * Development only: the gateway also catches email on this SMTP port (on HOST) and shows it at /dev/mailbox, as
   * `npm run start:dapr` does beside its gateway; docker-compose sends the notifications service's email here.
   */
  DEV_MAILBOX_SMTP_PORT?: number;
  /** Base URL of each service the gateway fronts, by service name. */
  upstreams: Record<string, string>;
}

const upstreamPrefix = 'UPSTREAM_';

/** The variable holding a service's base URL: `UPSTREAM_CATALOG` for `catalog`, `UPSTREAM_LOW_STOCK` for `low-stock`. */
export function upstreamVariable(service: string): string {
  return `${upstreamPrefix}${service.toUpperCase().replace(/-/g, '_')}`;
}

/** The hub's Azure SignalR REST API and its health probes: served by the hub, reachable inside the cluster only (CONTRACT.md). */
export const defaultInternalOnlyPaths = ['/api/v1/hubs', '/api/hubs', '/api/health', '/api/v1/health'];

const urlPath = /^\/[A-Za-z0-9._~/-]*$/;

const pathList = Joi.string().custom((value: string, helpers) => {
  const paths = value
    .split(',')
    .map((path) => path.trim())
    .filter((path) => path !== '');
  const bad = paths.find((path) => !urlPath.test(path));
  if (bad !== undefined)
    return helpers.message({ custom: `holds "${bad}", which is not a URL path such as /api/hubs` });
  return paths;
});

// A path or query on the base URL would be glued in front of every proxied path: refused rather than guessed at.
const baseUrl = Joi.string()
  .uri({ scheme: ['http', 'https'] })
  .custom((value: string, helpers) => {
    const url = new URL(value);
    if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
      return helpers.message({
        custom: 'must be a base URL with scheme, host and port only, e.g. http://shop-catalog.shop.svc.cluster.local',
      });
    }
    return url.origin;
  });

function schemaFor(services: string[]): Joi.ObjectSchema {
  return Joi.object({
    ...hostConfigSchema,
    HOST: Joi.string().hostname().default('127.0.0.1'),
    PORT: Joi.number().port().default(8080),
    OPERATIONS_PORT: Joi.number().port(),
    IDLE_TIMEOUT_MS: Joi.number().integer().min(1_000).max(3_600_000).default(30_000),
    INTERNAL_ONLY_PATHS: pathList.default(defaultInternalOnlyPaths),
    DEV_MAILBOX_SMTP_PORT: Joi.number().port(),
    ...Object.fromEntries(services.map((service) => [upstreamVariable(service), baseUrl])),
  });
}

/**
 * Reads the gateway's configuration for the given services. Every problem is named in one ConfigError: a bad
 * or missing variable, an UPSTREAM_ variable no service answers to (a typo would otherwise drop a service
 * silently), no upstream at all, the operations port equal to the public one.
 */
export function loadGatewayConfig(services: string[], env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const known = new Map(services.map((service) => [upstreamVariable(service), service]));
  const problems: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(upstreamPrefix) && value && !known.has(name)) {
      problems.push(`${name}: no service is called that; the services are ${[...known.keys()].join(', ')}`);
    }
  }
  let values: Record<string, unknown> = {};
  try {
    values = loadConfig<Record<string, unknown>>(schemaFor(services), env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.unshift(...error.problems);
  }
  const upstreams = Object.fromEntries(
    [...known].flatMap(([variable, service]) =>
      typeof values[variable] === 'string' ? [[service, values[variable] as string]] : [],
    ),
  );
  if (problems.length === 0 && Object.keys(upstreams).length === 0) {
    problems.push(
      `${upstreamPrefix}<SERVICE>: none is set; the gateway needs at least one of ${[...known.keys()].join(', ')}`,
    );
  }
  if (values.OPERATIONS_PORT !== undefined && values.OPERATIONS_PORT !== 0 && values.OPERATIONS_PORT === values.PORT) {
    problems.push('OPERATIONS_PORT: must differ from PORT');
  }
  if (values.DEV_MAILBOX_SMTP_PORT !== undefined && values.NODE_ENV === 'production') {
    problems.push('DEV_MAILBOX_SMTP_PORT: development only; in production email goes to the SMTP server of SMTP_URL');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    NODE_ENV: values.NODE_ENV as string,
    LOG_LEVEL: values.LOG_LEVEL as GatewayConfig['LOG_LEVEL'],
    ...(values.LOG_FORMAT ? { LOG_FORMAT: values.LOG_FORMAT as 'pretty' | 'json' } : {}),
    SHUTDOWN_GRACE_MS: values.SHUTDOWN_GRACE_MS as number,
    HOST: values.HOST as string,
    PORT: values.PORT as number,
    OPERATIONS_PORT: values.OPERATIONS_PORT as number | undefined,
    IDLE_TIMEOUT_MS: values.IDLE_TIMEOUT_MS as number,
    INTERNAL_ONLY_PATHS: values.INTERNAL_ONLY_PATHS as string[],
    ...(values.DEV_MAILBOX_SMTP_PORT === undefined
      ? {}
      : { DEV_MAILBOX_SMTP_PORT: values.DEV_MAILBOX_SMTP_PORT as number }),
    upstreams,
  };
}
