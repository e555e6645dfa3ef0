import type { HubClients } from './hub-clients';
import type { HubCallContext, HubDefinition, HubPrincipal } from './hub-definition';
import { HubInvoker, type InvokerHost } from './hub-invoker';
import type { CloseOptions, HubConnectionHandle, HubLifetimeManager } from './hub-lifetime-manager';
import type { HubLog } from './hub-log';
import type { HubStats, TransportKind } from './hub-metrics';
import type { HubServerOptions } from './hub-server-options';
import { PreparedMessage } from './prepared-message';
import { HandshakeReader, handshakeError, handshakeSuccess } from './protocol/handshake';
import { type HubMessage, MessageType } from './protocol/hub-messages';
import type { HubMessageReader, HubProtocol } from './protocol/hub-protocol';
import { ProtocolError } from './protocol/protocol-error';
import { ReconnectState } from './stateful-reconnect';
import type { ConnectionTransport, TransportOwner } from './transports/connection-transport';
import { LongPollingTransport } from './transports/long-polling-transport';
import type { WebSocketTransport } from './transports/websocket-transport';

/** What every connection of one hub shares. */
export interface ConnectionEnvironment {
  hub: HubDefinition;
  lifetime: HubLifetimeManager;
  clients: HubClients;
  protocols: ReadonlyMap<string, HubProtocol>;
  options: HubServerOptions;
  stats: HubStats;
  log: HubLog;
  /** Milliseconds, advanced by the server's heartbeat: cheap enough to read on every message. */
  clock: { now: number };
  /** The connection ended; forget its id. */
  forget(connection: ClientConnection): void;
}

type State = 'negotiated' | 'handshaking' | 'connected' | 'reconnecting' | 'closed';

const ping = PreparedMessage.of({ type: MessageType.Ping });

/**
 * One logical SignalR connection from negotiate to close: the transport it started on (a WebSocket may be
 * replaced under stateful reconnect), the handshake, the hub protocol's reader and writer, keep-alive and
 * timeouts, and its membership in the hub's lifetime manager.
 */
export class ClientConnection implements HubConnectionHandle, TransportOwner {
  readonly items = new Map<string, unknown>();
  transportKind: TransportKind | undefined;
  private state: State = 'negotiated';
  private transport: ConnectionTransport | undefined;
  private protocol: HubProtocol | undefined;
  private reader: HubMessageReader | undefined;
  private readonly handshake: HandshakeReader;
  private reconnect: ReconnectState | undefined;
  /** A long-polling transport still handing the client what was queued before the close (a Close message). */
  private draining: LongPollingTransport | undefined;
  private invoker: HubInvoker | undefined;
  private readonly aborted = new AbortController();
  private readonly createdAt: number;
  private lastSentAt: number;
  private lastReceivedAt: number;
  private pingReceived = false;
  private closeReceived = false;
  private deadline = 0;

  constructor(
    readonly connectionId: string,
    /** The secret the client names its connection with (`id=`); the connection id itself under negotiate v0. */
    readonly connectionToken: string,
    readonly principal: HubPrincipal | undefined,
    /** Negotiate granted stateful reconnect (the client asked, the server allows it). */
    readonly statefulReconnect: boolean,
    private readonly env: ConnectionEnvironment,
  ) {
    this.createdAt = env.clock.now;
    this.lastSentAt = this.createdAt;
    this.lastReceivedAt = this.createdAt;
    this.handshake = new HandshakeReader(env.options.maxMessageBytes);
  }

  get userId(): string | undefined {
    return this.principal?.userId;
  }

  /** Started a transport already (a second transport request for it is a conflict or a switch). */
  get started(): boolean {
    return this.state !== 'negotiated';
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  /** A WebSocket arriving for this connection may take over: it dropped, or it is dropping unnoticed. */
  get resumable(): boolean {
    return this.reconnect?.resumable === true && (this.state === 'reconnecting' || this.state === 'connected');
  }

  get currentTransport(): ConnectionTransport | undefined {
    return this.transport ?? this.draining;
  }

  /** The transport this connection starts on; the handshake is expected next. */
  start(transport: ConnectionTransport): void {
    this.transport = transport;
    this.transportKind = transport.kind;
    this.state = 'handshaking';
    this.deadline = this.env.clock.now + this.env.options.handshakeTimeoutMs;
  }

  /** A new WebSocket of a stateful-reconnect connection: the client resends nothing until our Sequence message. */
  resume(transport: WebSocketTransport): void {
    const previous = this.transport;
    this.transport = transport;
    this.state = 'connected';
    if (previous && previous !== transport) (previous as WebSocketTransport).terminate();
    const protocol = this.protocol as HubProtocol;
    const binary = protocol.transferFormat === 'Binary';
    const { sequenceId, records } = (this.reconnect as ReconnectState).resume();
    transport.sendBytes(protocol.write({ type: MessageType.Sequence, sequenceId }), binary);
    for (const record of records) transport.sendBytes(record, binary);
    this.lastSentAt = this.env.clock.now;
    this.lastReceivedAt = this.env.clock.now;
    this.env.log.debug({ connectionId: this.connectionId, replayed: records.length }, 'connection resumed');
  }

  receive(chunk: Buffer): void {
    this.lastReceivedAt = this.env.clock.now;
    try {
      if (this.state === 'handshaking') {
        const done = this.handshake.push(chunk);
        if (!done) return;
        if (!this.completeHandshake(done.request.protocol, done.request.version)) return;
        if (done.rest.length === 0) return;
        chunk = done.rest;
      }
      if (this.state !== 'connected' || !this.reader) return;
      for (const message of this.reader.push(chunk)) {
        this.dispatch(message);
        if (this.state !== 'connected') return;
      }
    } catch (error) {
      // Whatever a client sends, only its own connection ends.
      if (error instanceof ProtocolError) {
        if (this.state === 'handshaking') this.failHandshake(`Invalid handshake: ${error.message}`);
        else this.abort(`Connection closed with an error. InvalidDataException: ${error.message}`);
        return;
      }
      this.env.log.error({ err: error, connectionId: this.connectionId }, 'connection failed');
      if (this.state === 'handshaking') this.failHandshake('An unexpected error occurred during connection handshake.');
      else this.abort('Connection closed with an error.');
    }
  }

  transportClosed(transport: ConnectionTransport, graceful: boolean): void {
    if (transport === this.draining) {
      this.draining = undefined;
      this.env.forget(this);
      return;
    }
    if (transport !== this.transport || this.state === 'closed') return;
    const dropped = !graceful && !this.closeReceived;
    if (dropped && this.state === 'connected' && this.resumable) {
      this.state = 'reconnecting';
      this.transport = undefined;
      this.deadline = this.env.clock.now + this.env.options.disconnectTimeoutMs;
      this.env.log.debug({ connectionId: this.connectionId }, 'websocket dropped; waiting for the client to reconnect');
      return;
    }
    this.finish(dropped ? new Error('The transport was closed unexpectedly.') : undefined);
  }

  deliver(message: PreparedMessage): void {
    if (this.state !== 'connected' && this.state !== 'reconnecting') return;
    const protocol = this.protocol as HubProtocol;
    this.env.stats.messagesSent++;
    if (this.reconnect && message.trackable) {
      this.reconnect.sent(message.record(protocol));
      if (this.state === 'reconnecting' && !this.reconnect.resumable) {
        this.finish(new Error('The stateful reconnect buffer overflowed while the client was away.'));
        return;
      }
    }
    const transport = this.transport;
    if (this.state !== 'connected' || !transport) return;
    transport.send(message, protocol);
    this.lastSentAt = this.env.clock.now;
    if (transport.bufferedBytes > this.env.options.maxBufferedBytes) {
      this.env.log.warn({ connectionId: this.connectionId, buffered: transport.bufferedBytes }, 'slow client dropped');
      // A Close message would queue behind what the client is not reading: the transport is dropped instead.
      this.transport = undefined;
      transport.abort();
      this.finish(new Error('The client did not keep up with the messages sent to it.'));
    }
  }

  send(message: HubMessage): void {
    this.deliver(PreparedMessage.of(message));
  }

  close(options: CloseOptions = {}): void {
    if (this.state === 'closed') return;
    this.sendClose(options.error, options.allowReconnect);
    this.finish(undefined);
  }

  /** Ends the connection because of an error the client should hear about. */
  abort(reason: string): void {
    if (this.state === 'closed') return;
    this.sendClose(reason, false);
    this.finish(new Error(reason));
  }

  invokeClient(target: string, args: unknown[], signal?: AbortSignal): Promise<unknown> {
    if (!this.invoker || this.state === 'closed') return Promise.reject(new Error('The connection is not active.'));
    return this.invoker.invokeClient(target, args, signal);
  }

  /** Timeouts and keep-alive, on the server's heartbeat. */
  heartbeat(now: number): void {
    const options = this.env.options;
    switch (this.state) {
      case 'negotiated':
        // Negotiated but never started (the client fell back to another transport, or gave up).
        if (now - this.createdAt > options.disconnectTimeoutMs) this.finish(undefined);
        return;
      case 'handshaking':
        if (now > this.deadline) this.failHandshake('Handshake was canceled.');
        else this.checkLongPollingClient(now);
        return;
      case 'reconnecting':
        if (now > this.deadline) this.finish(new Error('The client did not reconnect in time.'));
        return;
      case 'connected': {
        const sequenceId = this.reconnect?.ackDue();
        if (sequenceId !== undefined) this.send({ type: MessageType.Ack, sequenceId });
        if (this.transportKind === 'LongPolling') {
          // Long polling keeps itself alive: the client polls, and stops only when it is gone.
          this.checkLongPollingClient(now);
          return;
        }
        if (this.pingReceived && now - this.lastReceivedAt > options.clientTimeoutMs) {
          this.abort('Client timeout elapsed without receiving a message from the client.');
          return;
        }
        if (now - this.lastSentAt >= options.keepAliveIntervalMs) this.deliver(ping);
        return;
      }
      case 'closed':
        // A long-polling client that stopped polling will not pick up the rest.
        if (this.draining?.idleFor(now, options.disconnectTimeoutMs)) {
          this.draining = undefined;
          this.env.forget(this);
        }
        return;
    }
  }

  private checkLongPollingClient(now: number): void {
    const transport = this.transport;
    if (transport instanceof LongPollingTransport && transport.idleFor(now, this.env.options.disconnectTimeoutMs)) {
      this.finish(new Error('The long polling client stopped polling.'));
    }
  }

  private completeHandshake(protocolName: string, version: number): boolean {
    const protocol = this.env.protocols.get(protocolName);
    if (!protocol) return this.failHandshake(`The protocol '${protocolName}' is not supported.`);
    if (!protocol.versions.includes(version)) {
      return this.failHandshake(`The server does not support version ${version} of the '${protocolName}' protocol.`);
    }
    if (protocol.transferFormat === 'Binary' && this.transportKind === 'ServerSentEvents') {
      return this.failHandshake(
        `Cannot use the '${protocolName}' protocol on the current transport. The transport does not support 'Binary' transfer format.`,
      );
    }
    this.protocol = protocol;
    this.reader = protocol.createReader(this.env.options.maxMessageBytes);
    // Version 2 is the client's half of stateful reconnect; negotiate gave the server's (WebSockets only).
    if (version >= 2 && this.statefulReconnect && this.transportKind === 'WebSockets') {
      this.reconnect = new ReconnectState(this.env.options.statefulReconnectBufferBytes);
    }
    this.state = 'connected';
    this.env.stats.connections[this.transportKind as TransportKind]++;
    this.transport?.sendBytes(handshakeSuccess, protocol.transferFormat === 'Binary');
    this.lastSentAt = this.env.clock.now;
    const ready = this.connected();
    const connection = this;
    const host: InvokerHost = {
      hub: this.env.hub,
      log: this.env.log,
      signal: this.aborted.signal,
      callContext: (signal) => this.callContext(signal),
      send: (message) => this.send(message),
      drained: () => this.transport?.drained() ?? Promise.resolve(),
      get bufferedBytes() {
        return connection.transport?.bufferedBytes ?? 0;
      },
    };
    this.invoker = new HubInvoker(
      host,
      {
        uploadCapacity: this.env.options.uploadStreamCapacity,
        streamHighWaterBytes: Math.floor(this.env.options.maxBufferedBytes / 4),
      },
      ready,
    );
    return true;
  }

  /** Joins the lifetime manager, then runs the hub's onConnected; invocations wait for both. */
  private async connected(): Promise<void> {
    try {
      await this.env.lifetime.onConnected(this);
      await this.env.hub.onConnected?.(this.callContext(this.aborted.signal));
    } catch (error) {
      this.env.log.error({ err: error, connectionId: this.connectionId }, 'hub onConnected failed');
      this.abort('Connection closed with an error.');
    }
  }

  private failHandshake(message: string): false {
    this.env.log.debug({ connectionId: this.connectionId, reason: message }, 'handshake failed');
    this.transport?.sendBytes(handshakeError(message), false);
    this.finish(new Error(message));
    return false;
  }

  private dispatch(message: HubMessage): void {
    this.env.stats.messagesReceived++;
    const reconnect = this.reconnect;
    if (reconnect) {
      if (message.type === MessageType.Sequence) {
        reconnect.sequence(message.sequenceId);
        return;
      }
      if (!reconnect.accepts(message.type)) return;
    }
    switch (message.type) {
      case MessageType.Ping:
        this.pingReceived = true;
        return;
      case MessageType.Close:
        this.closeReceived = true;
        this.finish(message.error ? new Error(message.error) : undefined);
        return;
      case MessageType.Ack:
        reconnect?.acknowledged(message.sequenceId);
        return;
      case MessageType.Sequence:
        return;
      default:
        this.invoker?.handle(message);
    }
  }

  private sendClose(error: string | undefined, allowReconnect: boolean | undefined): void {
    if (this.state !== 'connected') return;
    this.deliver(
      PreparedMessage.of({
        type: MessageType.Close,
        ...(error ? { error } : {}),
        ...(allowReconnect ? { allowReconnect: true } : {}),
      }),
    );
  }

  private callContext(signal: AbortSignal): HubCallContext {
    const lifetime = this.env.lifetime;
    const connectionId = this.connectionId;
    return {
      hub: this.env.hub.name,
      connectionId,
      userId: this.userId,
      principal: this.principal,
      signal,
      items: this.items,
      clients: this.env.clients,
      groups: {
        async add(group) {
          await lifetime.addToGroup(connectionId, group);
        },
        async remove(group) {
          await lifetime.removeFromGroup(connectionId, group);
        },
      },
    };
  }

  private finish(error: Error | undefined): void {
    if (this.state === 'closed') return;
    const wasConnected = this.state === 'connected' || this.state === 'reconnecting';
    this.state = 'closed';
    const transport = this.transport;
    this.transport = undefined;
    transport?.close();
    this.aborted.abort();
    this.invoker?.dispose();
    // Long polling hands the client what is still queued on its next poll, and 204 on the one after.
    if (transport instanceof LongPollingTransport && !transport.ended) this.draining = transport;
    else this.env.forget(this);
    if (!wasConnected) return;
    this.env.stats.connections[this.transportKind as TransportKind]--;
    void (async () => {
      try {
        await this.env.lifetime.onDisconnected(this);
        await this.env.hub.onDisconnected?.(this.callContext(this.aborted.signal), error);
      } catch (caught) {
        this.env.log.error({ err: caught, connectionId: this.connectionId }, 'hub onDisconnected failed');
      }
    })();
  }
}
