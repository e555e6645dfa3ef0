import type { TransportKind } from './hub-metrics';

/** Timeouts and limits of the protocol server; the defaults are ASP.NET Core's where it has one. */
export interface HubServerOptions {
  /** A Ping goes to a client that was sent nothing for this long (HubOptions.KeepAliveInterval). */
  keepAliveIntervalMs: number;
  /** A client that pinged once and then sent nothing for this long is closed (HubOptions.ClientTimeoutInterval). */
  clientTimeoutMs: number;
  /** Time from the transport's start to the handshake request (HubOptions.HandshakeTimeout). */
  handshakeTimeoutMs: number;
  /** A long poll with nothing to deliver answers empty after this long (LongPollingOptions.PollTimeout). */
  longPollTimeoutMs: number;
  /**
   * How long a negotiated connection may wait for its transport, a long-polling client between polls, and a
   * dropped WebSocket under stateful reconnect for its client to come back.
   */
  disconnectTimeoutMs: number;
  /** Largest single hub message a client may send (HubOptions.MaximumReceiveMessageSize). */
  maxMessageBytes: number;
  /** Largest request body (a POST of long polling or SSE) or WebSocket message, holding one or more hub messages. */
  maxRequestBytes: number;
  /** A connection whose unsent output passes this is closed: slow clients cannot make the server buffer without bound. */
  maxBufferedBytes: number;
  /** Whether negotiate grants stateful reconnect to clients that ask (HttpConnectionDispatcherOptions.AllowStatefulReconnects). */
  statefulReconnect: boolean;
  /** Unacknowledged output kept for replay per connection (HubOptions.StatefulReconnectBufferSize). */
  statefulReconnectBufferBytes: number;
  /** Items of a client-to-server stream held ahead of the hub method reading it. */
  uploadStreamCapacity: number;
  /** Origins allowed to call from a browser, echoed with credentials; '*' allows any. */
  allowedOrigins: '*' | string[];
  /** Transports offered, in the order clients should try them. */
  transports: TransportKind[];
}

export const defaultHubServerOptions: HubServerOptions = {
  keepAliveIntervalMs: 15_000,
  clientTimeoutMs: 30_000,
  handshakeTimeoutMs: 15_000,
  longPollTimeoutMs: 90_000,
  disconnectTimeoutMs: 15_000,
  maxMessageBytes: 32_768,
  maxRequestBytes: 1_048_576,
  maxBufferedBytes: 1_048_576,
  statefulReconnect: true,
  statefulReconnectBufferBytes: 100_000,
  uploadStreamCapacity: 1_000,
  allowedOrigins: '*',
  transports: ['WebSockets', 'ServerSentEvents', 'LongPolling'],
};
