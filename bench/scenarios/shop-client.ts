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
}
