import { createHmac } from 'node:crypto';
import {
  audience,
  endSession,
  issuer,
  newSigningKey,
  type SigningKey,
  serveJwks,
  signToken,
} from '@shop/testkit/src/jwt-fixture';
import { json } from '@shop/testkit/src/listen';
import jwt from 'jsonwebtoken';
import { ApiRoutes } from '../../src/http/api-routes';
import type { Access } from '../../src/http/auth';
import { startTestApp, type TestApp } from './test-app';

let key: SigningKey;
let jwks: Awaited<ReturnType<typeof serveJwks>>;
let app: TestApp;

beforeAll(async () => {
  key = newSigningKey('key-1');
  jwks = await serveJwks([key]);
  app = await startTestApp({ jwksUri: `${jwks.url}/jwks` });
});
afterAll(async () => {
  await app.close();
  await jwks.close();
});

const get = (path: string, token?: string) =>
  fetch(`${app.url}${path}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

const base64url = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function unsignedToken(header: object, payload: object): string {
  return `${base64url(header)}.${base64url(payload)}.`;
}

const claims = () => ({
  sub: 'customer-1',
  roles: ['admin'],
  iss: issuer,
  aud: audience,
  exp: Math.floor(Date.now() / 1000) + 600,
});

describe('access tokens', () => {
  it('lets a valid RS256 token through and names the caller', async () => {
    const res = await get('/me', signToken(key));
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      id: 'customer-1',
      email: 'ada@example.com',
      roles: ['customer'],
      sessionId: expect.any(String),
    });
  });

  it('answers 401 without a token on a route that needs one', async () => {
    const res = await get('/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it.each([
    ['alg none', () => unsignedToken({ alg: 'none', typ: 'JWT', kid: 'key-1' }, claims())],
    [
      'HS256 signed with the RSA public key',
      () => {
        const pem = key.publicKey.export({ format: 'pem', type: 'spki' }).toString();
        const header = base64url({ alg: 'HS256', typ: 'JWT', kid: 'key-1' });
        const payload = base64url(claims());
        const signature = createHmac('sha256', pem).update(`${header}.${payload}`).digest('base64url');
        return `${header}.${payload}.${signature}`;
      },
    ],
    [
      'a tampered payload',
      () => {
        const [header, , signature] = signToken(key).split('.');
        return `${header}.${base64url({ ...claims(), sub: 'someone-else' })}.${signature}`;
      },
    ],
    ['an expired token', () => signToken(key, {}, { expiresIn: -10 })],
    ['a wrong issuer', () => signToken(key, {}, { issuer: 'https://evil.example' })],
    ['a wrong audience', () => signToken(key, {}, { audience: 'another-api' })],
    ['an unknown kid', () => signToken(newSigningKey('key-unknown'), {}, { keyid: 'key-unknown' })],
    ['a token signed by another key under a known kid', () => signToken({ ...newSigningKey('key-1') })],
    [
      'no kid',
      () => jwt.sign({ roles: ['admin'] }, key.privateKey, { algorithm: 'RS256', issuer, audience, subject: 'x' }),
    ],
    ['garbage', () => 'not.a.token'],
  ])('refuses %s with 401', async (_name, makeToken) => {
    const res = await get('/me', makeToken());
    expect(res.status).toBe(401);
    expect((await json(res)).status).toBe(401);
  });

  it('refuses a bad token even on routes open to anonymous callers', async () => {
    const res = await fetch(`${app.url}/conflict`, { headers: { authorization: 'Bearer not.a.token' } });
    expect(res.status).toBe(401);
  });

  it.each<[string, () => string, RegExp]>([
    ['no exp', () => signToken(key, { exp: undefined }), /no expiry/],
    ['an exp ten years out', () => signToken(key, {}, { expiresIn: '3650d' }), /longer than 900 seconds/],
    ['a lifetime over the cap (16 minutes)', () => signToken(key, {}, { expiresIn: '16m' }), /longer than 900/],
    ['no iat', () => signToken(key, { exp: Math.floor(Date.now() / 1000) + 600 }, { noTimestamp: true }), /no issue/],
    [
      'an iat two minutes in the future',
      () => signToken(key, { iat: Math.floor(Date.now() / 1000) + 120 }, { expiresIn: '5m' }),
      /in the future/,
    ],
    ['no sid', () => signToken(key, { sid: undefined }), /no session id/],
    ['a sid that is not an id', () => signToken(key, { sid: '../../api/orders' }), /no session id/],
    ['a sid identity does not know', () => signToken(key, { sid: '00000000-0000-4000-8000-000000000000' }), /ended/],
    [
      'an ended session',
      () => {
        const token = signToken(key);
        endSession((jwt.decode(token) as { sid: string }).sid);
        return token;
      },
      /session ended/,
    ],
  ])('refuses %s with 401, saying why', async (_name, makeToken, reason) => {
    const res = await get('/me', makeToken());
    expect(res.status).toBe(401);
    expect((await json(res)).detail).toMatch(reason);
  });

  it('accepts an iat a few seconds ahead (clock skew) and the full 15-minute lifetime', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = signToken(key, { iat: now + 10, exp: now + 10 + 900 });
    expect((await get('/me', token)).status).toBe(200);
  });

  it('does not refetch the JWKS for every request with a known kid', async () => {
    const before = jwks.requests;
    await Promise.all(Array.from({ length: 5 }, () => get('/me', signToken(key))));
    expect(jwks.requests - before).toBe(0);
  });
});

describe('declared access (ApiRoutes mounts the guard from `access`)', () => {
  it('answers 403 to a customer on an admin route', async () => {
    const res = await get('/admin', signToken(key, { roles: ['customer'] }));
    expect(res.status).toBe(403);
  });

  it('lets an admin through', async () => {
    const res = await get('/admin', signToken(key, { roles: ['admin'] }));
    expect(res.status).toBe(200);
  });

  it('answers 401, not 403, to an anonymous caller on an admin route', async () => {
    expect((await get('/admin')).status).toBe(401);
  });

  it('keeps a customer route to the customer role: 403 for an admin-only token, 401 without one', async () => {
    expect((await get('/shop', signToken(key, { roles: ['admin'] }))).status).toBe(403);
    expect((await get('/shop', signToken(key, { roles: ['customer'] }))).status).toBe(200);
    expect((await get('/shop')).status).toBe(401);
  });

  it('lets any valid token through a signed-in route, whatever its roles', async () => {
    expect((await get('/me', signToken(key, { roles: [] }))).status).toBe(200);
    expect((await get('/me')).status).toBe(401);
  });

  it('checks access before validating the request: no 400 reaches a caller without access', async () => {
    const post = (token?: string) =>
      fetch(`${app.url}/admin/widgets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: '{}',
      });
    expect((await post()).status).toBe(401);
    expect((await post(signToken(key, { roles: ['customer'] }))).status).toBe(403);
    expect((await post(signToken(key, { roles: ['admin'] }))).status).toBe(400);
  });

  it('states the access in the OpenAPI document', () => {
    const api = new ApiRoutes();
    const spec = (access: Access) => ({ summary: access, access, responses: { 200: { description: 'x' } } });
    api.get('/a', spec('anyone'), () => {});
    api.get('/b', spec('admin'), () => {});
    const paths = api.openApi({ title: 't', version: '1' }).paths as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    expect(paths['/a']?.get).toMatchObject({ 'x-access': 'anyone' });
    expect(paths['/a']?.get?.security).toBeUndefined();
    expect(paths['/b']?.get).toMatchObject({ 'x-access': 'admin', security: [{ bearer: [] }] });
  });
});
