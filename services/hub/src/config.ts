import { developmentHubAccessKey } from '@shop/kit';
import type { HubServerOptions } from '@shop/signalr';
import Joi from 'joi';

export interface HubConfig {
  NODE_ENV: string;
  PORT: number;
  HUB_ACCESS_KEY?: string;
  HUB_ENDPOINT?: string;
  HUB_MAX_SERVERLESS_HUBS: number;
  HUB_REDIS_HOST?: string;
  HUB_REDIS_PASSWORD?: string;
  HUB_REDIS_TLS: boolean;
  HUB_BACKPLANE_PREFIX: string;
  HUB_BACKPLANE_TIMEOUT_MS: number;
  HUB_KEEP_ALIVE_INTERVAL_MS: number;
  HUB_CLIENT_TIMEOUT_MS: number;
  HUB_HANDSHAKE_TIMEOUT_MS: number;
  HUB_LONG_POLL_TIMEOUT_MS: number;
  HUB_DISCONNECT_TIMEOUT_MS: number;
  HUB_MAX_MESSAGE_BYTES: number;
  HUB_MAX_BUFFERED_BYTES: number;
  HUB_STATEFUL_RECONNECT: boolean;
  HUB_STATEFUL_RECONNECT_BUFFER_BYTES: number;
  HUB_CORS_ORIGINS: string;
  HUB_STOCK_CACHE_ENTRIES: number;
  HUB_MAX_PRODUCTS_PER_CONNECTION: number;
  HUB_UNKNOWN_PRODUCT_TTL_MS: number;
}

const milliseconds = () => Joi.number().integer().min(1).max(3_600_000);

/**
 * The access key of `npm start` and the tests (CONTRACT.md, Local run defaults), shared through the kit with the
 * services that call the REST API. Production has none: the hub refuses to start without HUB_ACCESS_KEY there.
 */
export const developmentAccessKey = developmentHubAccessKey;

/** The hub's settings; the protocol's defaults are ASP.NET Core SignalR's. */
export const hubConfigSchema = Joi.object<HubConfig>({
  NODE_ENV: Joi.string().default('development'),
  /** The platform's port, for the connection string's default Endpoint (the edge or the gateway serves the API there). */
  PORT: Joi.number().port().default(8080),
  HUB_ACCESS_KEY: Joi.string()
    .min(16)
    .when('NODE_ENV', {
      is: 'production',
      // biome-ignore lint/suspicious/noThenProperty: joi's conditional schemas are spelled with `then`.
      then: Joi.required(),
      otherwise: Joi.string().default(developmentAccessKey),
    }),
  HUB_ENDPOINT: Joi.string().uri({ scheme: ['http', 'https'] }),
  HUB_MAX_SERVERLESS_HUBS: Joi.number().integer().min(0).max(1_000_000).default(1_000),
  HUB_REDIS_HOST: Joi.string()
    .pattern(/^[^\s/]+$/)
    .messages({ 'string.pattern.base': '{#label} must be host:port' }),
  HUB_REDIS_PASSWORD: Joi.string(),
  HUB_REDIS_TLS: Joi.boolean().default(false),
  HUB_BACKPLANE_PREFIX: Joi.string()
    .pattern(/^[A-Za-z0-9_.-]{1,64}$/)
    .default('shop-hub'),
  HUB_BACKPLANE_TIMEOUT_MS: Joi.number().integer().min(50).max(60_000).default(2_000),
  HUB_KEEP_ALIVE_INTERVAL_MS: milliseconds().default(15_000),
  HUB_CLIENT_TIMEOUT_MS: milliseconds().default(30_000),
  HUB_HANDSHAKE_TIMEOUT_MS: milliseconds().default(15_000),
  // The JS client gives up on a poll after 100 s, so the server must answer before that.
  HUB_LONG_POLL_TIMEOUT_MS: Joi.number().integer().min(1).max(99_000).default(90_000),
  HUB_DISCONNECT_TIMEOUT_MS: milliseconds().default(15_000),
  HUB_MAX_MESSAGE_BYTES: Joi.number().integer().min(1_024).max(16_777_216).default(32_768),
  HUB_MAX_BUFFERED_BYTES: Joi.number().integer().min(65_536).max(1_073_741_824).default(1_048_576),
  HUB_STATEFUL_RECONNECT: Joi.boolean().default(true),
  HUB_STATEFUL_RECONNECT_BUFFER_BYTES: Joi.number().integer().min(1_024).max(1_073_741_824).default(100_000),
  HUB_CORS_ORIGINS: Joi.string()
    .pattern(/^(\*|https?:\/\/[^\s,]+(,\s*https?:\/\/[^\s,]+)*)$/)
    .default('*')
    .messages({ 'string.pattern.base': '{#label} must be * or a comma-separated list of http(s) origins' }),
  HUB_STOCK_CACHE_ENTRIES: Joi.number().integer().min(1).max(10_000_000).default(100_000),
  HUB_MAX_PRODUCTS_PER_CONNECTION: Joi.number().integer().min(1).max(100_000).default(100),
  HUB_UNKNOWN_PRODUCT_TTL_MS: Joi.number().integer().min(0).max(3_600_000).default(10_000),
});

export function hubServerOptions(config: HubConfig): Partial<HubServerOptions> {
  return {
    keepAliveIntervalMs: config.HUB_KEEP_ALIVE_INTERVAL_MS,
    clientTimeoutMs: config.HUB_CLIENT_TIMEOUT_MS,
    handshakeTimeoutMs: config.HUB_HANDSHAKE_TIMEOUT_MS,
    longPollTimeoutMs: config.HUB_LONG_POLL_TIMEOUT_MS,
    disconnectTimeoutMs: config.HUB_DISCONNECT_TIMEOUT_MS,
    maxMessageBytes: config.HUB_MAX_MESSAGE_BYTES,
    maxRequestBytes: Math.max(1_048_576, config.HUB_MAX_MESSAGE_BYTES * 4),
    maxBufferedBytes: config.HUB_MAX_BUFFERED_BYTES,
    statefulReconnect: config.HUB_STATEFUL_RECONNECT,
    statefulReconnectBufferBytes: config.HUB_STATEFUL_RECONNECT_BUFFER_BYTES,
    allowedOrigins:
      config.HUB_CORS_ORIGINS === '*'
        ? '*'
        : config.HUB_CORS_ORIGINS.split(',').map((origin) => origin.trim().replace(/\/$/, '')),
  };
}

/** The Endpoint of the connection string: HUB_ENDPOINT, or the platform's own port on localhost. */
export function hubEndpointOf(config: Pick<HubConfig, 'HUB_ENDPOINT' | 'PORT'>): string {
  return (config.HUB_ENDPOINT ?? `http://localhost:${config.PORT}`).replace(/\/$/, '');
}
