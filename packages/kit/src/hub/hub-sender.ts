import Joi from 'joi';
import jwt from 'jsonwebtoken';
import type { Counter, Registry } from 'prom-client';
import { developmentHubAccessKey } from '../config/development-defaults';
import type { ServiceContext } from '../host/service-manifest';
import { fetchFailure } from '../http/fetch-failure';
import { counterIn } from '../http/metrics';
import { BindingError, type OutputBindings } from '../mesh/port';

/**
 * A service reaches the clients of a hub the way an application reaches Azure SignalR Service: a REST send to a
 * hub's user or to all its connections. Two ways to the same call:
 * - `HubRestSender`: the REST API itself, with an access-key JWT (the embedded topology: our own origin);
 * - `HubBindingSender`: Dapr's `bindings.azure.signalr` output binding, which signs and calls the same API
 *   (the Dapr topology: `components/hub-signalr.yaml`).
 */
export interface HubSender {
  /** Sends `message` to the connections of `user` on `hub`, or to every connection of `hub` without a user. */
  send(to: HubAudience, message: HubMessage): Promise<void>;
}

export interface HubAudience {
  hub: string;
  /** The user (the access token's `sub`); absent: every connection of the hub. */
  user?: string;
}

/** A client method call: `target` with its arguments. */
export interface HubMessage {
  target: string;
  arguments: unknown[];
}

/** The hub settings of a service that sends through the hub. */
export interface HubPushConfig {
  /** The Dapr `bindings.azure.signalr` component sent through beside a daprd (`hub-signalr`, components/). */
  HUB_BINDING: string;
  /** `Endpoint=<hub origin>;AccessKey=<key>;Version=1.0;`: the hub's REST API, called directly. */
  HUB_CONNECTION_STRING?: string;
  /** The hub's access key, for the platform's own origin (embedded) when no connection string is given. */
  HUB_ACCESS_KEY?: string;
}

/** The keys to spread into a service's configuration schema. */
export const hubPushConfigKeys = {
  // The hub's own variable, with the hub's development default (none in production).
  HUB_ACCESS_KEY: Joi.string()
    .min(16)
    .default((parent: { NODE_ENV?: string }) =>
      (parent.NODE_ENV ?? 'development') === 'production' ? undefined : developmentHubAccessKey,
    ),
  HUB_CONNECTION_STRING: Joi.string().custom((value: string, helpers) => {
    try {
      parseConnectionString(value);
      return value;
    } catch (error) {
      return helpers.message({ custom: (error as Error).message });
    }
  }),
  HUB_BINDING: Joi.string()
    .pattern(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/)
    .default('hub-signalr'),
};

/** The access-key token's lifetime: one call, so short (the hub allows five minutes of clock skew besides). */
const tokenLifetimeSeconds = 300;

/** How long one send may take before it counts as a failure to retry. */
export const hubSendTimeoutMs = 10_000;

/**
 * The hub did not take the message. `retryable`: the hub was unreachable, timed out or answered 5xx (`503`
 * while its replicas cannot reach each other: nothing was delivered); a 4xx (a body it refuses, a key it does not
 * know) fails the same way every time.
 */
export class HubSendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'HubSendError';
  }
}

export interface HubConnection {
  /** The hub's origin, without a trailing slash; a function when it is known only once the platform listens. */
  endpoint: string | (() => string);
  accessKey: string;
}

/** Reads an Azure SignalR connection string (`Endpoint=…;AccessKey=…;Version=1.0;`, keys case-insensitive). */
export function parseConnectionString(text: string): HubConnection {
  const entries = new Map<string, string>();
  for (const part of text.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) entries.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  const endpoint = entries.get('endpoint');
  const accessKey = entries.get('accesskey');
  if (!endpoint || !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    throw new Error('the connection string needs Endpoint=<http(s) origin>');
  }
  if (!accessKey) throw new Error('the connection string needs AccessKey=<key>');
  const version = entries.get('version');
  if (version !== undefined && version !== '1.0') throw new Error('the connection string must be Version=1.0');
  const port = entries.get('port');
  const url = new URL(endpoint);
  // Azure's SDKs honour a separate Port=; the endpoint's own port wins when it names one.
  if (port !== undefined && url.port === '') url.port = port;
  return { endpoint: url.origin, accessKey };
}

/** Sends through the hub's REST API: `POST {endpoint}/api/v1/hubs/{hub}[/users/{user}]`. */
export class HubRestSender implements HubSender {
  constructor(
    private readonly connection: HubConnection,
    private readonly timeoutMs = hubSendTimeoutMs,
  ) {}

  async send(to: HubAudience, message: HubMessage): Promise<void> {
    const { endpoint } = this.connection;
    const origin = typeof endpoint === 'string' ? endpoint : endpoint();
    const hubUrl = `${origin}/api/v1/hubs/${encodeURIComponent(to.hub)}`;
    const url = to.user === undefined ? hubUrl : `${hubUrl}/users/${encodeURIComponent(to.user)}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.accessToken(url)}`,
          'content-type': 'application/json; charset=utf-8',
        },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new HubSendError(`the hub could not be reached: ${fetchFailure(error)}`, true);
    }
    const text = await res.text().catch(() => '');
    if (res.status === 202 || res.status === 200) return;
    throw new HubSendError(
      `the hub answered ${res.status}: ${hubDetail(text)}`,
      res.status >= 500 || res.status === 429,
      res.status,
    );
  }

  /** Azure SignalR's access-key token: HS256 over the key's UTF-8 bytes, audience the request URL. */
  private accessToken(url: string): string {
    const now = Math.floor(Date.now() / 1000);
    return jwt.sign({ aud: url, iat: now, exp: now + tokenLifetimeSeconds }, this.connection.accessKey, {
      algorithm: 'HS256',
      noTimestamp: true,
    });
  }
}

/**
 * Sends through Dapr's `bindings.azure.signalr` (operation `create`, metadata `hub` and, for one user, `user`):
 * daprd signs the token and calls `POST /api/hubs/{hub}[/users/{user}]/:send` on the hub its connection string names.
 */
export class HubBindingSender implements HubSender {
  constructor(
    private readonly bindings: OutputBindings,
    private readonly binding: string,
  ) {}

  async send(to: HubAudience, message: HubMessage): Promise<void> {
    try {
      await this.bindings.invoke(this.binding, {
        operation: 'create',
        data: message,
        // Dapr puts the user into the URL unescaped: user ids are UUIDs, which need no escaping.
        metadata: { hub: to.hub, ...(to.user === undefined ? {} : { user: to.user }) },
      });
    } catch (error) {
      if (!(error instanceof BindingError)) throw error;
      // The binding reports the hub's refusal as "azure signalr failed with code <status>, content is '<body>'";
      // anything else (daprd unreachable, the hub unreachable, no such component) may pass on a later try.
      const status = /failed with code (\d{3})\b/.exec(error.detail)?.[1];
      const hubStatus = status === undefined ? undefined : Number(status);
      const retryable = hubStatus === undefined || hubStatus >= 500 || hubStatus === 429;
      throw new HubSendError(`sending through ${this.binding} failed: ${error.detail}`, retryable, hubStatus);
    }
  }
}

/**
 * The sender of the topology: the REST API of HUB_CONNECTION_STRING when it is given; else, beside a daprd, the
 * Dapr binding HUB_BINDING; else, in the embedded topology, the REST API on the platform's own origin with
 * HUB_ACCESS_KEY; null when none applies (nothing is sent live). Given the service's metrics and name, its sends are
 * counted (CountedHubSender).
 */
export function hubSenderFrom(
  config: Partial<HubPushConfig>,
  context: Pick<ServiceContext, 'mesh' | 'origin'> & Partial<Pick<ServiceContext, 'metrics' | 'name'>>,
): HubSender | null {
  const sender = topologySender(config, context);
  if (!sender || !context.metrics || !context.name) return sender;
  return new CountedHubSender(sender, context.metrics, context.name);
}

function topologySender(
  config: Partial<HubPushConfig>,
  context: Pick<ServiceContext, 'mesh' | 'origin'>,
): HubSender | null {
  if (config.HUB_CONNECTION_STRING) return new HubRestSender(parseConnectionString(config.HUB_CONNECTION_STRING));
  if (context.mesh.bindings && config.HUB_BINDING)
    return new HubBindingSender(context.mesh.bindings, config.HUB_BINDING);
  if (context.origin && config.HUB_ACCESS_KEY) {
    return new HubRestSender({ endpoint: context.origin, accessKey: config.HUB_ACCESS_KEY });
  }
  return null;
}

/**
 * `shop_hub_sends_total{service,hub,outcome}`: every send to the hub, `sent` or `failed` (the hub refused it, or
 * could not be reached in time); a failed send is also the caller's error to retry or report.
 */
export class CountedHubSender implements HubSender {
  private readonly sends: Counter<'service' | 'hub' | 'outcome'>;

  constructor(
    /** The sender whose sends are counted. */
    readonly inner: HubSender,
    registry: Registry,
    private readonly service: string,
  ) {
    this.sends = counterIn(registry, {
      name: 'shop_hub_sends_total',
      help: 'Sends to the hub (REST API or Dapr binding), by sending service, hub and outcome (sent, failed)',
      labelNames: ['service', 'hub', 'outcome'] as const,
    });
  }

  async send(to: HubAudience, message: HubMessage): Promise<void> {
    try {
      await this.inner.send(to, message);
    } catch (error) {
      this.sends.inc({ service: this.service, hub: to.hub, outcome: 'failed' });
      throw error;
    }
    this.sends.inc({ service: this.service, hub: to.hub, outcome: 'sent' });
  }
}

/** The hub's problem documents name what was wrong in `detail`; anything else is quoted, shortened. */
function hubDetail(text: string): string {
  try {
    const parsed = JSON.parse(text) as { detail?: unknown; title?: unknown };
    if (typeof parsed.detail === 'string') return parsed.detail;
    if (typeof parsed.title === 'string') return parsed.title;
  } catch {
    // Not JSON: the text itself.
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text || '(no body)';
}
