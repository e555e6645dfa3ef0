import { type HubCallContext, type HubDefinition, HubError, type HubMethod, isStreamMethod } from './hub-definition';
import type { HubLog } from './hub-log';
import {
  type CompletionMessage,
  type HubMessage,
  hasResult,
  type InvocationMessage,
  MessageType,
  type StreamInvocationMessage,
} from './protocol/hub-messages';
import { UploadStream } from './upload-stream';

/** What the invoker needs of its connection. */
export interface InvokerHost {
  readonly hub: HubDefinition;
  readonly log: HubLog;
  /** A call context for one invocation, cancelled through `signal`. */
  callContext(signal: AbortSignal): HubCallContext;
  /** Aborted when the connection ends. */
  readonly signal: AbortSignal;
  send(message: HubMessage): void;
  /** Resolves once the client has taken most of what was written (flow control for streams). */
  drained(): Promise<void>;
  readonly bufferedBytes: number;
}

export interface InvokerOptions {
  /** Items an upload stream holds ahead of its reader. */
  uploadCapacity: number;
  /** Above this many buffered bytes a server-to-client stream waits for the client. */
  streamHighWaterBytes: number;
}

/**
 * Runs a connection's hub invocations: one at a time in arrival order (ASP.NET Core's default of one parallel
 * invocation per client), streams in the background with their items flow-controlled by the transport, client
 * uploads fed from StreamItem messages, and the results of server-to-client invocations matched to their
 * Completions.
 */
export class HubInvoker {
  private queue: Promise<void>;
  private readonly running = new Map<string, AbortController & { release(): void }>();
  private readonly uploads = new Map<string, UploadStream>();
  private readonly clientResults = new Map<string, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly methods = new Map<string, HubMethod>();
  private clientInvocationCount = 0;

  constructor(
    private readonly host: InvokerHost,
    private readonly options: InvokerOptions,
    /** Invocations wait for the hub's onConnected. */
    ready: Promise<void>,
  ) {
    this.queue = ready;
    for (const [name, method] of Object.entries(host.hub.methods)) this.methods.set(name.toLowerCase(), method);
  }

  handle(message: HubMessage): void {
    switch (message.type) {
      case MessageType.Invocation: {
        const uploads = this.openUploads(message.streamIds);
        this.enqueue(() => this.invoke(message, uploads));
        return;
      }
      case MessageType.StreamInvocation: {
        if (this.running.has(message.invocationId)) {
          this.complete(message.invocationId, { error: `Invocation ID '${message.invocationId}' is already in use.` });
          return;
        }
        const controller = this.linkedController();
        this.running.set(message.invocationId, controller);
        const uploads = this.openUploads(message.streamIds);
        this.enqueue(async () => this.startStream(message, uploads, controller));
        return;
      }
      case MessageType.StreamItem:
        // Items of a stream that was completed or never opened are dropped, as ASP.NET Core does.
        this.uploads.get(message.invocationId)?.push(message.item);
        return;
      case MessageType.Completion:
        this.completed(message);
        return;
      case MessageType.CancelInvocation:
        this.running.get(message.invocationId)?.abort();
        return;
      default:
        return;
    }
  }

  /** Invokes a client method and waits for the client's Completion. */
  invokeClient(target: string, args: unknown[], signal?: AbortSignal): Promise<unknown> {
    // The 's' keeps our ids apart from the client's own (JS and .NET clients count with plain numbers).
    const invocationId = `s${++this.clientInvocationCount}`;
    return new Promise((resolve, reject) => {
      const abort = () => {
        if (this.clientResults.delete(invocationId)) reject(new Error('The client invocation was canceled.'));
      };
      this.clientResults.set(invocationId, {
        resolve: (value) => {
          signal?.removeEventListener('abort', abort);
          resolve(value);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', abort);
          reject(error);
        },
      });
      signal?.addEventListener('abort', abort, { once: true });
      this.host.send({ type: MessageType.Invocation, invocationId, target, arguments: args });
    });
  }

  /** The connection ended: running invocations are cancelled, waiting callers fail. */
  dispose(): void {
    for (const controller of this.running.values()) controller.abort();
    this.running.clear();
    for (const upload of this.uploads.values()) upload.complete('The connection was closed.');
    this.uploads.clear();
    for (const waiting of this.clientResults.values()) waiting.reject(new Error('The connection was closed.'));
    this.clientResults.clear();
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work, work);
  }

  private openUploads(streamIds: string[] | undefined): UploadStream[] {
    return (streamIds ?? []).map((streamId) => {
      const upload = new UploadStream(streamId, this.options.uploadCapacity);
      this.uploads.set(streamId, upload);
      return upload;
    });
  }

  private closeUploads(uploads: UploadStream[]): void {
    for (const upload of uploads) {
      upload.complete();
      this.uploads.delete(upload.streamId);
    }
  }

  private completed(message: CompletionMessage): void {
    const upload = this.uploads.get(message.invocationId);
    if (upload) {
      this.uploads.delete(message.invocationId);
      upload.complete(message.error);
      return;
    }
    const waiting = this.clientResults.get(message.invocationId);
    if (!waiting) return;
    this.clientResults.delete(message.invocationId);
    if (message.error !== undefined) waiting.reject(new Error(message.error));
    else waiting.resolve(hasResult(message) ? message.result : undefined);
  }

  /** Why a call cannot run, or undefined when it can. */
  private refusal(
    message: InvocationMessage | StreamInvocationMessage,
    method: HubMethod | undefined,
    streaming: boolean,
  ): string | undefined {
    if (!method) return `Unknown hub method '${message.target}'`;
    if (isStreamMethod(method) !== streaming) {
      return streaming
        ? `The client attempted to invoke the non-streaming '${message.target}' method with a streaming invocation.`
        : `The client attempted to invoke the streaming '${message.target}' method with a non-streaming invocation.`;
    }
    if (message.arguments.length !== method.parameters) {
      return `Failed to invoke '${message.target}' due to an error on the server. InvalidDataException: Invocation provides ${message.arguments.length} argument(s) but target expects ${method.parameters}.`;
    }
    const uploads = message.streamIds?.length ?? 0;
    if (uploads !== (method.uploads ?? 0)) {
      return `Failed to invoke '${message.target}' due to an error on the server. InvalidDataException: Client sent ${uploads} stream(s), Hub method expects ${method.uploads ?? 0}.`;
    }
    return undefined;
  }

  private async invoke(message: InvocationMessage, uploads: UploadStream[]): Promise<void> {
    const method = this.methods.get(message.target.toLowerCase());
    const refusal = this.refusal(message, method, false);
    const id = message.invocationId;
    if (refusal !== undefined || !method || isStreamMethod(method)) {
      this.closeUploads(uploads);
      if (id !== undefined) this.complete(id, { error: refusal ?? 'Invalid invocation.' });
      return;
    }
    const controller = this.linkedController();
    if (id !== undefined) this.running.set(id, controller);
    try {
      const result = await method.invoke(this.host.callContext(controller.signal), ...message.arguments, ...uploads);
      if (id !== undefined && !this.host.signal.aborted) this.completeWithResult(id, message.target, result);
    } catch (error) {
      if (id !== undefined && !this.host.signal.aborted)
        this.complete(id, { error: this.errorText(message.target, error) });
    } finally {
      if (id !== undefined) this.running.delete(id);
      controller.release();
      this.closeUploads(uploads);
    }
  }

  private startStream(
    message: StreamInvocationMessage,
    uploads: UploadStream[],
    controller: AbortController & { release(): void },
  ): void {
    const id = message.invocationId;
    const method = this.methods.get(message.target.toLowerCase());
    const refusal = this.refusal(message, method, true);
    if (refusal !== undefined || !method || !isStreamMethod(method)) {
      this.running.delete(id);
      controller.release();
      this.closeUploads(uploads);
      this.complete(id, { error: refusal ?? 'Invalid invocation.' });
      return;
    }
    let items: AsyncIterable<unknown>;
    try {
      items = method.stream(this.host.callContext(controller.signal), ...message.arguments, ...uploads);
    } catch (error) {
      this.running.delete(id);
      controller.release();
      this.closeUploads(uploads);
      this.complete(id, { error: this.errorText(message.target, error) });
      return;
    }
    void this.pump(id, message.target, items, uploads, controller);
  }

  private async pump(
    id: string,
    target: string,
    items: AsyncIterable<unknown>,
    uploads: UploadStream[],
    controller: AbortController & { release(): void },
  ): Promise<void> {
    let error: string | undefined;
    try {
      for await (const item of items) {
        if (controller.signal.aborted) break;
        this.host.send({ type: MessageType.StreamItem, invocationId: id, item });
        if (this.host.bufferedBytes > this.options.streamHighWaterBytes) await this.host.drained();
        if (controller.signal.aborted) break;
      }
    } catch (caught) {
      if (!controller.signal.aborted) error = this.errorText(target, caught);
    } finally {
      this.running.delete(id);
      controller.release();
      this.closeUploads(uploads);
    }
    // A stream ends with a Completion, also when the client cancelled it (the client ignores that one).
    if (!this.host.signal.aborted) this.complete(id, error === undefined ? {} : { error });
  }

  private completeWithResult(id: string, target: string, result: unknown): void {
    try {
      this.complete(id, result === undefined ? {} : { result });
    } catch (error) {
      this.host.log.error({ err: error, target }, 'hub method result could not be serialised');
      this.complete(id, { error: `An unexpected error occurred invoking '${target}' on the server.` });
    }
  }

  private complete(invocationId: string, outcome: { error?: string; result?: unknown }): void {
    this.host.send({ type: MessageType.Completion, invocationId, ...outcome });
  }

  private errorText(target: string, error: unknown): string {
    const prefix = `An unexpected error occurred invoking '${target}' on the server.`;
    if (error instanceof HubError) return `${prefix} HubException: ${error.message}`;
    this.host.log.error({ err: error, target }, 'hub method failed');
    return prefix;
  }

  /** A controller aborted with the connection; `release` unhooks it from the connection once the call is over. */
  private linkedController(): AbortController & { release(): void } {
    const controller = new AbortController();
    const connection = this.host.signal;
    const abort = () => controller.abort();
    if (connection.aborted) controller.abort();
    else connection.addEventListener('abort', abort, { once: true });
    return Object.assign(controller, { release: () => connection.removeEventListener('abort', abort) });
  }
}
