// A trivial app beside its own daprd, for the Dapr ceiling benchmark (bench/scenarios/dapr-ceiling.ts). It
// answers daprd at once on node:http, with no database and no framework, so the CPU its hops cost is the
// sidecars' plumbing plus the least HTTP work any service does at either end. Outbound it calls its daprd the
// way the services do: the kit's Dapr mesh for publish and invoke, DaprClient for bulk publish.
// Run as a forked child: APP_ID, PORT and CEILING_SUBSCRIPTIONS in the environment, commands over IPC.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { CommunicationProtocolEnum, DaprClient, LogLevel } from '@dapr/dapr';
import type { EventEnvelope } from '@shop/contracts';
import { createDaprMesh } from '@shop/kit/src/mesh/dapr';
import type { Mesh } from '@shop/kit/src/mesh/port';
import { messageId, ReceiptLedger } from './dapr-ceiling-ledger';
import { closedLoop, DeliveryWindow, type LoadOptions } from './dapr-ceiling-load';
import { answerCommands } from './ipc-commands';

export interface CeilingSubscription {
  topic: string;
  /** Deliver in batches through Dapr's bulk subscribe API. */
  bulk?: { maxMessagesCount: number; maxAwaitDurationMs: number };
}

const ceilingPubsub = 'pubsub';
const echoMethod = 'echo';

const appId = requiredEnv('APP_ID');
const port = Number(requiredEnv('PORT'));
const subscriptions = JSON.parse(process.env.CEILING_SUBSCRIPTIONS ?? '[]') as CeilingSubscription[];
const byTopic = new Map(subscriptions.map((s) => [s.topic, s]));
const eventRoute = '/dapr/events/';
const receiptsRoute = '/receipts/';
const ledger = new ReceiptLedger();

// The list the kit serves (packages/kit/src/mesh/dapr-app-routes.ts), with a dead-letter topic per app.
const subscriptionList = JSON.stringify(
  subscriptions.map(({ topic, bulk }) => ({
    pubsubname: ceilingPubsub,
    topic,
    route: `${eventRoute}${topic}`,
    deadLetterTopic: `deadletter.${appId}`,
    ...(bulk ? { bulkSubscribe: { enabled: true, ...bulk } } : {}),
  })),
);

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The envelope id inside one CloudEvent as daprd delivers it (an object, or its JSON text in a bulk entry). */
function envelopeIdOf(cloudEvent: unknown): string | undefined {
  const event = typeof cloudEvent === 'string' ? (JSON.parse(cloudEvent) as unknown) : cloudEvent;
  const data = (event as { data?: { id?: unknown } } | null)?.data;
  return typeof data?.id === 'string' ? data.id : undefined;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  if (req.method === 'GET' && url === '/dapr/subscribe') return answer(res, 200, subscriptionList);
  if (req.method === 'GET' && url.startsWith(receiptsRoute)) {
    return answer(res, 200, JSON.stringify({ distinct: ledger.distinct(url.slice(receiptsRoute.length)) }));
  }
  if (req.method === 'POST' && url.startsWith(eventRoute)) {
    const subscription = byTopic.get(url.slice(eventRoute.length));
    if (!subscription) return answer(res, 404, '{"status":"DROP"}');
    const body = JSON.parse(await readBody(req)) as { entries?: Array<{ entryId: string; event: unknown }> };
    if (subscription.bulk) {
      const entries = body.entries ?? [];
      ledger.record(entries.map((entry) => envelopeIdOf(entry.event) ?? `malformed entry ${entry.entryId}`));
      const statuses = entries.map((entry) => ({ entryId: entry.entryId, status: 'SUCCESS' }));
      return answer(res, 200, JSON.stringify({ statuses }));
    }
    ledger.record([envelopeIdOf(body) ?? 'malformed event']);
    return answer(res, 200, '{"status":"SUCCESS"}');
  }
  if (req.method === 'POST' && url === `/${echoMethod}`) {
    const { id } = JSON.parse(await readBody(req)) as { id: string };
    ledger.record([id]);
    return answer(res, 200, JSON.stringify({ id }));
  }
  answer(res, 404, '{}');
}

const server = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    // A body that does not parse is the benchmark's own bug: answer so daprd does not hang, and count it.
    ledger.record([`failed request ${String(error)}`]);
    if (!res.headersSent) answer(res, 400, '{"status":"DROP"}');
  });
});
server.keepAliveTimeout = 60_000;

// An order-placed-sized payload: the bytes a sidecar copies per event are part of what it costs.
const payload = {
  orderId: '6f1c2a7e-1b0d-4c55-9d8e-0f5a6b7c8d9e',
  customerId: '0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d',
  items: [
    { productId: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', quantity: 1, unitPrice: { amount: 3900, currency: 'EUR' } },
  ],
  total: { amount: 3900, currency: 'EUR' },
  paymentMethodId: '9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b',
};

function envelope(run: string, sequence: number): EventEnvelope {
  return { id: messageId(run, sequence), type: 'bench.ceiling', occurredAt: new Date().toISOString(), data: payload };
}

let mesh: Mesh | undefined;
let bulkClient: DaprClient | undefined;
function sidecar(): { mesh: Mesh; bulkClient: DaprClient } {
  if (!mesh || !bulkClient) throw new Error('connect to the sidecar first');
  return { mesh, bulkClient };
}

interface SendArgs {
  run: string;
  seconds: number;
  concurrency: number;
}
interface PublishArgs extends SendArgs {
  topic: string;
  /** Receipt URLs of every subscribing app, for the delivery window. */
  receiptUrls: string[];
  windowMessages: number;
  batchSize?: number;
}

function loadOptions(args: PublishArgs): LoadOptions {
  return {
    concurrency: args.concurrency,
    seconds: args.seconds,
    messagesPerOperation: args.batchSize ?? 1,
    window: new DeliveryWindow(args.receiptUrls, args.windowMessages),
  };
}

server.listen(port, '127.0.0.1', () => {
  answerCommands({
    connect(args) {
      const daprHttpPort = Number(args.daprHttpPort);
      const daprApiToken = String(args.daprApiToken);
      mesh = createDaprMesh({ appId, daprHttpPort, daprApiToken, pubsubName: ceilingPubsub });
      bulkClient = new DaprClient({
        daprHost: '127.0.0.1',
        daprPort: String(daprHttpPort),
        daprApiToken,
        communicationProtocol: CommunicationProtocolEnum.HTTP,
        logger: { level: LogLevel.Error },
      });
      return 'connected';
    },

    publish(raw) {
      const args = raw as unknown as PublishArgs;
      const { mesh } = sidecar();
      return closedLoop(loadOptions(args), (sequence) => mesh.publish(args.topic, envelope(args.run, sequence)));
    },

    publishBulk(raw) {
      const args = raw as unknown as PublishArgs;
      const batchSize = args.batchSize ?? 100;
      const { bulkClient } = sidecar();
      return closedLoop(loadOptions({ ...args, batchSize }), async (first) => {
        const messages = Array.from({ length: batchSize }, (_, i) => {
          const event = envelope(args.run, first + i);
          // JSON, as the kit publishes single events: daprd wraps each as a CloudEvent's data.
          return { entryID: event.id, event, contentType: 'application/json' };
        });
        const result = await bulkClient.pubsub.publishBulk(ceilingPubsub, args.topic, messages);
        if (result.failedMessages.length > 0) {
          throw new Error(`${result.failedMessages.length} of ${batchSize} failed: ${result.failedMessages[0]?.error}`);
        }
      });
    },

    invoke(raw) {
      const args = raw as unknown as SendArgs & { targetAppId: string };
      const { mesh } = sidecar();
      return closedLoop(
        { concurrency: args.concurrency, seconds: args.seconds, messagesPerOperation: 1 },
        async (sequence) => {
          const id = messageId(args.run, sequence);
          const reply = await mesh.invoke(args.targetAppId, echoMethod, { method: 'POST', body: { id } });
          if (reply.status !== 200 || (reply.body as { id?: string } | undefined)?.id !== id) {
            throw new Error(`invocation ${id} answered ${reply.status} ${JSON.stringify(reply.body)}`);
          }
        },
      );
    },

    receipts(args) {
      return ledger.receipts(String(args.run), Number(args.expected));
    },
  });
});
