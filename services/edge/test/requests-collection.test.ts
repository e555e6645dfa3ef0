import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddedPlatform } from '@shop/kit';
import { startShop } from '../src/start-shop';
import { type Answer, type HttpFile, type HttpFileRequest, parseHttpFile, resolve } from './support/http-file';

// docs/requests.http, run in order against `npm start` on a fresh data directory (the demo shop seeded), as a
// newcomer sends it request by request: it cannot go stale without this test failing.

const collectionFile = join(__dirname, '..', '..', '..', 'docs', 'requests.http');
const collection = parseHttpFile(readFileSync(collectionFile, 'utf8'));
/** How long a 409 is sent again (an order still being paid); what a person clicking "Send" again would wait. */
const conflictRetryMs = 10_000;

async function send(request: HttpFileRequest, file: HttpFile, answers: Map<string, Answer>, baseUrl: string) {
  const url = resolve(request.url, file, answers).replace('http://localhost:8080', baseUrl);
  const headers = request.headers.map(([name, value]) => [name, resolve(value, file, answers)] as [string, string]);
  const body = request.body === undefined ? undefined : resolve(request.body, file, answers);
  const deadline = Date.now() + conflictRetryMs;
  for (;;) {
    const res = await fetch(url, { method: request.method, headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    const answer: Answer = { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
    if (answer.status !== 409 || Date.now() > deadline) return answer;
    await new Promise((wait) => setTimeout(wait, 200));
  }
}

describe('docs/requests.http', () => {
  it('is a tour: register, log in, browse, cart, checkout, the order, the admin’s review', () => {
    const paths = collection.requests.map((request) => `${request.method} ${request.url.replace('{{baseUrl}}', '')}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'POST /api/auth/register',
        'POST /api/auth/login',
        'GET /api/categories',
        'PUT /api/cart/items/{{productId}}',
        'POST /api/cart/checkout',
        'GET /api/orders/{{orderId}}',
        'POST /api/orders/{{orderId}}/ship',
      ]),
    );
    expect(collection.variables.get('baseUrl')).toBe('http://localhost:8080');
  });

  describe('sent in order to a fresh `npm start`', () => {
    let dataDir: string;
    let platform: EmbeddedPlatform;
    const answers = new Map<string, Answer>();

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'requests-collection-'));
      platform = await startShop({ PORT: '0', SHOP_DATA_DIR: dataDir, LOG_LEVEL: 'fatal' });
    }, 60_000);
    afterAll(async () => {
      await platform?.shutdown();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('answers every request with 2xx, each reading what the earlier ones answered', async () => {
      const outcomes: string[] = [];
      for (const request of collection.requests) {
        const answer = await send(request, collection, answers, platform.url);
        if (request.name) answers.set(request.name, answer);
        outcomes.push(`${request.title}: ${answer.status}`);
        if (answer.status >= 300) throw new Error(`${outcomes.join('\n')}\n${JSON.stringify(answer.body)}`);
      }
      expect(outcomes).toHaveLength(collection.requests.length);
    }, 60_000);

    it('leaves the checked-out order shipped, with the cart’s two units at the catalog’s price', async () => {
      const token = resolve('{{token}}', collection, answers);
      const orderId = resolve('{{orderId}}', collection, answers);
      const res = await fetch(`${platform.url}/api/orders/${orderId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const order = await res.json();
      const product = answers.get('products')?.body as { items: Array<{ id: string; price: unknown }> };
      expect(order).toMatchObject({
        status: 'Shipped',
        items: [{ productId: product.items[0]?.id, quantity: 2, unitPrice: product.items[0]?.price }],
      });
    });
  });

  it('names what a variable lacks instead of sending an empty string', () => {
    const file = parseHttpFile('@a = {{b}}\n\n### x\nGET {{a}}/x\n');
    expect(() => resolve('{{a}}', file, new Map())).toThrow('{{b}} stands for nothing');
    expect(() => resolve('{{login.response.body.$.accessToken}}', file, new Map())).toThrow(/no answer named login/);
  });
});
