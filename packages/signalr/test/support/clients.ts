import {
  HttpTransportType,
  type HubConnection,
  HubConnectionBuilder,
  type IHttpConnectionOptions,
  LogLevel,
} from '@microsoft/signalr';
import { MessagePackHubProtocol } from '@microsoft/signalr-protocol-msgpack';

export type TransportName = 'WebSockets' | 'ServerSentEvents' | 'LongPolling';
export type ProtocolName = 'json' | 'messagepack';

/** Every transport with every protocol it can carry: SSE is text only, so JSON alone there. */
export const combinations: Array<{ transport: TransportName; protocol: ProtocolName }> = [
  { transport: 'WebSockets', protocol: 'json' },
  { transport: 'WebSockets', protocol: 'messagepack' },
  { transport: 'ServerSentEvents', protocol: 'json' },
  { transport: 'LongPolling', protocol: 'json' },
  { transport: 'LongPolling', protocol: 'messagepack' },
];

export interface ClientOptions {
  transport?: TransportName;
  protocol?: ProtocolName;
  token?: string;
  statefulReconnect?: boolean;
  automaticReconnect?: boolean;
  http?: Partial<IHttpConnectionOptions>;
}

/** The stock @microsoft/signalr client, as an application builds it. */
export function hubClient(url: string, options: ClientOptions = {}): HubConnection {
  const token = options.token;
  let builder = new HubConnectionBuilder()
    .withUrl(url, {
      transport: HttpTransportType[options.transport ?? 'WebSockets'],
      ...(token ? { accessTokenFactory: () => token } : {}),
      ...options.http,
    })
    .configureLogging(LogLevel.None);
  if (options.protocol === 'messagepack') builder = builder.withHubProtocol(new MessagePackHubProtocol());
  if (options.statefulReconnect) builder = builder.withStatefulReconnect();
  if (options.automaticReconnect) builder = builder.withAutomaticReconnect([0, 100, 200, 500, 1000]);
  return builder.build();
}

/** Resolves with the arguments of the next `target` invocation the client receives. */
export function nextInvocation(connection: HubConnection, target: string, timeoutMs = 10_000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      connection.off(target, handler);
      reject(new Error(`no ${target} within ${timeoutMs} ms`));
    }, timeoutMs);
    const handler = (...args: unknown[]) => {
      clearTimeout(timer);
      connection.off(target, handler);
      resolve(args);
    };
    connection.on(target, handler);
  });
}

/** Every `target` invocation the client receives, in order. */
export function record(connection: HubConnection, target: string): unknown[][] {
  const seen: unknown[][] = [];
  connection.on(target, (...args: unknown[]) => seen.push(args));
  return seen;
}

/** Collects a server-to-client stream's items until it completes. */
export function collectStream<T>(connection: HubConnection, method: string, ...args: unknown[]): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const items: T[] = [];
    connection.stream<T>(method, ...args).subscribe({
      next: (item) => items.push(item),
      complete: () => resolve(items),
      error: reject,
    });
  });
}
