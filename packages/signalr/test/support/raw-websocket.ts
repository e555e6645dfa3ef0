import WebSocket from 'ws';

export interface Frame {
  data: Buffer;
  binary: boolean;
}

/**
 * A WebSocket without any SignalR client on top: the test writes the exact bytes a client would and reads the
 * exact frames the server answers.
 */
export class RawWebSocket {
  readonly frames: Frame[] = [];
  closeCode: number | undefined;
  private waiters: Array<() => void> = [];
  private readonly closed: Promise<number>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, binary) => {
      this.frames.push({ data: data as Buffer, binary });
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code) => {
        this.closeCode = code;
        this.wake();
        resolve(code);
      });
    });
    socket.on('error', () => {});
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<RawWebSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url.replace(/^http/, 'ws'), { headers, perMessageDeflate: false });
      socket.once('open', () => resolve(new RawWebSocket(socket)));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade answered ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  sendText(text: string | Buffer): void {
    this.socket.send(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, { binary: false });
  }

  sendBinary(bytes: Buffer | number[]): void {
    this.socket.send(Buffer.from(bytes), { binary: true });
  }

  /** The next frame not yet taken. */
  async next(timeoutMs = 5_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      if (this.closeCode !== undefined) throw new Error(`socket closed (${this.closeCode}) before a frame arrived`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.frames.shift() as Frame;
  }

  /** Resolves with the close code once the server closed the socket. */
  whenClosed(timeoutMs = 5_000): Promise<number> {
    return Promise.race([
      this.closed,
      new Promise<number>((_resolve, reject) =>
        setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs).unref(),
      ),
    ]);
  }

  close(): void {
    this.socket.close(1000);
  }

  terminate(): void {
    this.socket.terminate();
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/** Negotiates a connection (version 1) and answers its token. */
export async function negotiate(baseUrl: string, query = 'negotiateVersion=1', headers: Record<string, string> = {}) {
  const res = await fetch(`${baseUrl}/negotiate?${query}`, { method: 'POST', headers });
  if (res.status !== 200) throw new Error(`negotiate answered ${res.status}`);
  return (await res.json()) as {
    negotiateVersion: number;
    connectionId: string;
    connectionToken?: string;
    availableTransports: unknown[];
    useStatefulReconnect?: boolean;
    error?: string;
  };
}

export const recordSeparator = '\u001e';
