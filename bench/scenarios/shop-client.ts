import { randomUUID } from 'node:crypto';

/** The development admin account the platform ensures at start (CONTRACT.md, Local run defaults). */
export const developmentAdmin = { email: 'admin@shop.local', password: 'admin-dev-password' } as const;

/** The platform's REST API over HTTP, as the load generator drives it. */
export class ShopClient {
  constructor(private readonly origin: string) {}

  async send(method: string, path: string, body?: unknown, token?: string): Promise<Response> {
    return fetch(`${this.origin}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async json(method: string, path: string, body?: unknown, token?: string): Promise<Record<string, unknown>> {
    const res = await this.send(method, path, body, token);
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  }

  async login(email: string, password: string): Promise<string> {
    return String((await this.json('POST', '/api/auth/login', { email, password })).accessToken);
  }

  /** A fresh category of the benchmark's own (its id). */
  async category(admin: string): Promise<string> {
    return String(
      (await this.json('POST', '/api/categories', { name: `bench-${randomUUID().slice(0, 8)}` }, admin)).id,
    );
  }

  /** A product the admin creates (its id), once inventory reports its initial stock. */
  async stockedProduct(
    admin: string,
    product: {
      skuPrefix: string;
      name: string;
      description?: string;
      amount: number;
      categoryId: string;
      stock: number;
    },
  ): Promise<string> {
    const created = await this.json(
      'POST',
      '/api/products',
      {
        sku: `${product.skuPrefix}-${randomUUID()}`,
        name: product.name,
        ...(product.description ? { description: product.description } : {}),
        price: { amount: product.amount, currency: 'EUR' },
        categoryId: product.categoryId,
        initialStock: product.stock,
      },
      admin,
    );
    const id = String(created.id);
    for (;;) {
      const res = await this.send('GET', `/api/inventory/${id}`);
      if (res.status === 200 && ((await res.json()) as { available: number }).available === product.stock) return id;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** A newly registered customer's access token. */
  async newCustomer(name: string): Promise<string> {
    const email = `bench-${randomUUID()}@example.com`;
    const password = `bench password ${randomUUID()}`;
    await this.json('POST', '/api/auth/register', { email, password, name });
    return this.login(email, password);
  }
}
