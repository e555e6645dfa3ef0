import { randomUUID } from 'node:crypto';
import { json } from '@shop/testkit/src/listen';
import { baseUrl } from './base-url';

/** The development admin account the platform ensures at start (CONTRACT.md, Local run defaults). */
export const developmentAdmin = { email: 'admin@shop.local', password: 'admin-dev-password' } as const;

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export interface TestCustomer {
  id: string;
  email: string;
  name: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export async function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${baseUrl()}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export function bearer(accessToken: string): Record<string, string> {
  return { authorization: `Bearer ${accessToken}` };
}

export async function logIn(email: string, password: string): Promise<TokenPair> {
  const res = await postJson('/api/auth/login', { email, password });
  if (res.status !== 200) throw new Error(`login of ${email} answered ${res.status}: ${await res.text()}`);
  return (await json(res)) as unknown as TokenPair;
}

let adminTokens: Promise<TokenPair> | undefined;

/** An access token of the development admin, logged in once per test file. */
export async function adminToken(): Promise<string> {
  adminTokens ??= logIn(developmentAdmin.email, developmentAdmin.password);
  return (await adminTokens).accessToken;
}

/** Registers a fresh customer with a unique email and logs it in. */
export async function newCustomer(name = 'Ada Lovelace'): Promise<TestCustomer> {
  const email = `customer-${randomUUID()}@example.com`;
  const password = `correct horse ${randomUUID()}`;
  const res = await postJson('/api/auth/register', { email, password, name });
  if (res.status !== 201) throw new Error(`register answered ${res.status}: ${await res.text()}`);
  const { id } = (await json(res)) as { id: string };
  const tokens = await logIn(email, password);
  return { id, email, name, password, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
}
