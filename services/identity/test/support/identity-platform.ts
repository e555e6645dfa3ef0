import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type EmbeddedPlatform, runEmbedded, type ServiceManifest } from '@shop/kit';
import { json } from '@shop/testkit/src/listen';
import { identityService } from '../../src/service';

export interface IdentityPlatform extends EmbeddedPlatform {
  dataDir: string;
  post(path: string, body: unknown, token?: string): Promise<Response>;
  get(path: string, token?: string): Promise<Response>;
  send(method: string, path: string, body?: unknown, token?: string): Promise<Response>;
  register(email: string, password?: string, name?: string): Promise<{ id: string; email: string; password: string }>;
  login(email: string, password: string): Promise<{ accessToken: string; refreshToken: string; expiresIn: number }>;
}

export const testAdmin = { email: 'root@shop.test', password: 'root-test-password' };

/** The identity service alone in the embedded topology, on a free port, with a cheap password hash. */
export async function startIdentity(env: Record<string, string> = {}, dataDir?: string): Promise<IdentityPlatform> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'identity-'));
  const platform = await runEmbedded([identityService as ServiceManifest], {
    env: {
      PORT: '0',
      SHOP_DATA_DIR: dir,
      LOG_LEVEL: 'fatal',
      PASSWORD_HASH_COST: '10',
      SHOP_ADMIN_EMAIL: testAdmin.email,
      SHOP_ADMIN_PASSWORD: testAdmin.password,
      ...env,
    },
    log: createLogger({ name: 'test', level: 'fatal' }),
  });
  const send = (method: string, path: string, body?: unknown, token?: string) =>
    fetch(`${platform.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const post = (path: string, body: unknown, token?: string) => send('POST', path, body, token);
  const get = (path: string, token?: string) => send('GET', path, undefined, token);
  return Object.assign(platform, {
    dataDir: dir,
    send,
    post,
    get,
    async register(email: string, password = 'analytical engine 1843', name = 'Ada Lovelace') {
      const res = await post('/api/auth/register', { email, password, name });
      if (res.status !== 201) throw new Error(`register ${email}: ${res.status} ${await res.text()}`);
      return { ...(await json(res)), password };
    },
    async login(email: string, password: string) {
      const res = await post('/api/auth/login', { email, password });
      if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
      return json(res);
    },
  });
}

let counter = 0;
/** A unique email per call, so tests never collide. */
export function uniqueEmail(prefix = 'ada'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Date.now()}@example.com`;
}
