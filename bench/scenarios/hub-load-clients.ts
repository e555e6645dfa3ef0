// A load-generator process of the hub benchmark, forked by bench/scenarios/hub-child.ts: it opens thousands of
// client connections (each process stays under the 20,000 open files a process may hold here), counts what they
// receive, and records when. Three kinds of client, one per server under test:
// - `signalr`: the ASP.NET Core SignalR protocol as the stock JS client speaks it over WebSockets (negotiate v1,
//   JSON handshake, `SubscribeProduct`, a Ping every 15 s), reading each frame's records;
// - `ws`: a bare WebSocket reading the same frames the same way;
// - `socketio`: socket.io-client on its WebSocket transport.
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { nowMs } from '../servers/broadcast-control';
import { answerCommands, processStats } from '../servers/ipc-commands';

type ClientKind = 'signalr' | 'ws' | 'socketio';

interface OpenRequest {
  kind: ClientKind;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The hub's path (signalr) or the WebSocket path (ws); unused by socketio. */
  path: string;
  count: number;
  concurrency: number;
  /** The loopback address connections leave from: each has its own ephemeral ports. */
  localAddress: string;
  /** signalr: the product every connection subscribes to. */
  productId?: string;
}

interface Client {
  isOpen(): boolean;
  close(): void;
  /** Pings when the connection has sent nothing for the ping interval, as the stock client does. */
  pingIfQuiet?(nowMs: number): void;
}

const recordSeparator = '\x1e';
const pingIntervalMs = 15_000;

/** Every delivery counted; while recording, each one's key (the message's onHand) and arrival time kept. */
class Deliveries {
  count = 0;
  recording = false;
  private keys = new Uint32Array(1 << 16);
  private times = new Float64Array(1 << 16);
  private recorded = 0;
  private waiters: Array<{ total: number; resolve: () => void }> = [];

  add(key: number): void {
    this.count += 1;
    if (this.recording) {
      if (this.recorded === this.keys.length) this.grow();
      this.keys[this.recorded] = key;
      this.times[this.recorded] = nowMs();
      this.recorded += 1;
    }
    if (this.waiters.length > 0 && this.count >= (this.waiters[0]?.total ?? Number.POSITIVE_INFINITY)) {
      this.waiters = this.waiters.filter((waiter) => {
        if (this.count < waiter.total) return true;
        waiter.resolve();
        return false;
      });
    }
  }

  reset(recording: boolean): void {
    this.count = 0;
    this.recorded = 0;
    this.recording = recording;
  }

  reached(total: number, timeoutMs: number): Promise<boolean> {
    if (this.count >= total) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter.resolve !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push({ total, resolve: done });
      this.waiters.sort((a, b) => a.total - b.total);
    });
  }

  /**
   * Latencies against the send times of each key, as a histogram of 0.1 ms buckets (only the non-empty ones), and
   * each key's first arrival in this process (its fastest delivery, in ms).
   */
  latencies(sentAtByKey: Map<number, number>) {
    const buckets = new Map<number, number>();
    const firstArrivals = new Map<number, number>();
    let unmatched = 0;
    for (let i = 0; i < this.recorded; i++) {
      const key = this.keys[i] as number;
      const sentAt = sentAtByKey.get(key);
      if (sentAt === undefined) {
        unmatched += 1;
        continue;
      }
      const latencyMs = (this.times[i] as number) - sentAt;
      const bucket = Math.max(0, Math.round(latencyMs * 10));
      buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
      if (latencyMs < (firstArrivals.get(key) ?? Number.POSITIVE_INFINITY)) firstArrivals.set(key, latencyMs);
    }
    return {
      histogram: [...buckets.entries()],
      firstArrivals: [...firstArrivals.entries()],
      matched: this.recorded - unmatched,
      unmatched,
    };
  }

  private grow(): void {
    const keys = new Uint32Array(this.keys.length * 2);
    keys.set(this.keys);
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.keys = keys;
    this.times = times;
  }
}

const deliveries = new Deliveries();
/** How many connections received which onHand as their first StockChanged: the stock they were told on subscribing. */
const snapshots = new Map<number, number>();
const clients: Client[] = [];
let drops = 0;
let closeMessages = 0;
let closing = false;

function onStockChanged(levels: unknown): void {
  const onHand = (levels as { onHand?: unknown } | undefined)?.onHand;
  if (typeof onHand === 'number') deliveries.add(onHand);
}

/** The records of one text frame, each a JSON hub message. */
function* records(data: WebSocket.RawData): Generator<Record<string, unknown>> {
  const text = data.toString();
  let start = 0;
  for (let end = text.indexOf(recordSeparator); end >= 0; end = text.indexOf(recordSeparator, start)) {
    yield JSON.parse(text.slice(start, end)) as Record<string, unknown>;
    start = end + 1;
  }
}

function opened(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade answered ${res.statusCode}`)));
  });
}

function watchClose(socket: WebSocket): void {
  socket.on('close', () => {
    if (!closing) drops += 1;
  });
  socket.on('error', () => {});
}

async function openSignalR(request: OpenRequest): Promise<Client> {
  const negotiate = await fetch(`${request.origin}${request.path}/negotiate?negotiateVersion=1`, { method: 'POST' });
  if (negotiate.status !== 200) throw new Error(`negotiate answered ${negotiate.status}`);
  const { connectionToken } = (await negotiate.json()) as { connectionToken: string };
  const url = `${request.origin.replace(/^http/, 'ws')}${request.path}?id=${encodeURIComponent(connectionToken)}`;
  const socket = new WebSocket(url, { perMessageDeflate: false, localAddress: request.localAddress });
  await opened(socket);
  watchClose(socket);
  const ready = new Promise<void>((resolve, reject) => {
    let handshaken = false;
    let told = false;
    socket.on('message', (data) => {
      for (const message of records(data)) {
        if (!handshaken) {
          handshaken = true;
          if (message.error) reject(new Error(`handshake refused: ${message.error}`));
          else if (!request.productId) resolve();
          else {
            socket.send(
              `${JSON.stringify({ type: 1, invocationId: '1', target: 'SubscribeProduct', arguments: [request.productId] })}${recordSeparator}`,
            );
          }
        } else if (message.type === 1 && message.target === 'StockChanged') {
          const levels = (message.arguments as unknown[])[0];
          if (!told) {
            told = true;
            const onHand = Number((levels as { onHand?: unknown } | undefined)?.onHand);
            snapshots.set(onHand, (snapshots.get(onHand) ?? 0) + 1);
          }
          onStockChanged(levels);
        } else if (message.type === 3 && message.invocationId === '1') {
          if (message.error) reject(new Error(`SubscribeProduct failed: ${message.error}`));
          else resolve();
        } else if (message.type === 7) {
          closeMessages += 1;
        }
      }
    });
  });
  socket.send(`{"protocol":"json","version":1}${recordSeparator}`);
  await ready;
  let lastSentMs = nowMs();
  return {
    isOpen: () => socket.readyState === WebSocket.OPEN,
    close: () => socket.close(1000),
    // The hub closes a client that pinged once and then stayed silent for 30 s.
    pingIfQuiet(now) {
      if (now - lastSentMs < pingIntervalMs || socket.readyState !== WebSocket.OPEN) return;
      lastSentMs = now;
      socket.send(`{"type":6}${recordSeparator}`);
    },
  };
}

async function openBareWebSocket(request: OpenRequest): Promise<Client> {
  const url = `${request.origin.replace(/^http/, 'ws')}${request.path}`;
  const socket = new WebSocket(url, { perMessageDeflate: false, localAddress: request.localAddress });
  await opened(socket);
  watchClose(socket);
  socket.on('message', (data) => {
    for (const message of records(data)) {
      if (message.type === 1 && message.target === 'StockChanged') onStockChanged((message.arguments as unknown[])[0]);
    }
  });
  return { isOpen: () => socket.readyState === WebSocket.OPEN, close: () => socket.close(1000) };
}

async function openSocketIo(request: OpenRequest): Promise<Client> {
  // localAddress is passed on to ws by engine.io-client in Node; its types do not list it.
  const socket = io(request.origin, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    localAddress: request.localAddress,
  } as Parameters<typeof io>[1]);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  socket.on('StockChanged', onStockChanged);
  socket.on('disconnect', (reason) => {
    if (!closing && reason !== 'io client disconnect') drops += 1;
  });
  return { isOpen: () => socket.connected, close: () => socket.disconnect() };
}

const openers: Record<ClientKind, (request: OpenRequest) => Promise<Client>> = {
  signalr: openSignalR,
  ws: openBareWebSocket,
  socketio: openSocketIo,
};

async function openMany(request: OpenRequest) {
  const open = openers[request.kind];
  const startedMs = nowMs();
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const worker = async () => {
    while (next < request.count) {
      next += 1;
      try {
        clients.push(await open(request));
      } catch (error) {
        failed += 1;
        const cause = (error as { cause?: unknown }).cause;
        firstError ??= `${String((error as Error).message ?? error)}${cause ? ` (${String(cause)})` : ''}`;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(request.concurrency, request.count) }, worker));
  return { opened: request.count - failed, failed, firstError, seconds: (nowMs() - startedMs) / 1000 };
}

// Connections opened over several seconds ping at their own times, spread as their opening was.
setInterval(() => {
  const now = nowMs();
  for (const client of clients) client.pingIfQuiet?.(now);
}, 1_000).unref();

answerCommands({
  open: (args) => openMany(args as unknown as OpenRequest),
  reset(args) {
    deliveries.reset(Boolean(args.record));
    return null;
  },
  async awaitDeliveries(args) {
    const reached = await deliveries.reached(Number(args.total), Number(args.timeoutMs));
    return { reached, count: deliveries.count };
  },
  latencies: (args) => deliveries.latencies(new Map(args.sent as Array<[number, number]>)),
  snapshots: () => [...snapshots.entries()],
  async status() {
    return {
      connections: clients.length,
      open: clients.filter((client) => client.isOpen()).length,
      drops,
      closeMessages,
      deliveries: deliveries.count,
      ...(await processStats()),
    };
  },
  close() {
    closing = true;
    for (const client of clients.splice(0)) client.close();
    return null;
  },
});
