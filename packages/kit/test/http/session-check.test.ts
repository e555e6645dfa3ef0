import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { newSigningKey, serveJwks, signToken } from '@shop/testkit/src/jwt-fixture';
import { json } from '@shop/testkit/src/listen';
import {
  meshSessionLookup,
  SessionCheck,
  SessionCheckUnavailableError,
  type SessionLookup,
} from '../../src/http/session-check';
import { createLogger } from '../../src/log/logger';
import { EmbeddedBus } from '../../src/mesh/embedded';
import { startTestApp } from './test-app';

/**
 * Identity's `GET /internal/sessions/:sid` on an embedded bus: live sessions answer 200, others 404, and the
 * whole service can be taken down (503), as a restart or an outage would.
 */
function identityOnBus() {
  const live = new Map<string, string>();
  const state = { down: false, asked: 0 };
  const bus = new EmbeddedBus({
    logger: createLogger({ name: 'test', level: 'fatal' }),
    invokeRetry: { maxRetries: 0, intervalMs: 1 },
  });
  const reply = (res: ServerResponse, status: number, body?: object) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(body ? JSON.stringify(body) : undefined);
  };
  bus.register('identity', {
    listener: (req, res) => {
      state.asked += 1;
      if (state.down) return reply(res, 503, { status: 503 });
      const sid = decodeURIComponent(req.url?.split('/').at(-1) ?? '');
      const customerId = live.get(sid);
      return customerId ? reply(res, 200, { customerId, active: true }) : reply(res, 404, { status: 404 });
    },
  });
  return { live, state, bus, lookup: meshSessionLookup(bus.meshFor('orders')) };
}

/** A clock the test moves: the check's freshness and staleness are compared against it. */
function clock() {
  let at = 1_000_000;
  return {
    now: () => at,
    advanceSeconds(seconds: number) {
      at += seconds * 1000;
    },
  };
}

describe('session checks', () => {
  it('asks identity through the mesh: live with its customer, ended after revocation', async () => {
    const identity = identityOnBus();
    const sid = randomUUID();
    identity.live.set(sid, 'customer-7');
    expect(await identity.lookup(sid)).toEqual({ active: true, customerId: 'customer-7' });
    identity.live.delete(sid);
    expect(await identity.lookup(sid)).toEqual({ active: false });
    identity.state.down = true;
    await expect(identity.lookup(sid)).rejects.toThrow(/503/);
    await identity.bus.close();
  });

  it('uses an answer for freshSeconds, then asks again and sees the revocation', async () => {
    const identity = identityOnBus();
    const time = clock();
    const check = new SessionCheck({ lookup: identity.lookup, freshSeconds: 30, now: time.now });
    const sid = randomUUID();
    identity.live.set(sid, 'customer-7');
    expect(await check.state(sid)).toEqual({ active: true, customerId: 'customer-7' });
    identity.live.delete(sid);
    time.advanceSeconds(29);
    expect((await check.state(sid)).active).toBe(true);
    expect(identity.state.asked).toBe(1);
    time.advanceSeconds(1);
    expect((await check.state(sid)).active).toBe(false);
    expect(identity.state.asked).toBe(2);
    await identity.bus.close();
  });

  it('asks once for many concurrent checks of one session', async () => {
    const identity = identityOnBus();
    const check = new SessionCheck({ lookup: identity.lookup });
    const sid = randomUUID();
    identity.live.set(sid, 'customer-7');
    const answers = await Promise.all(Array.from({ length: 50 }, () => check.state(sid)));
    expect(answers.every((answer) => answer.active)).toBe(true);
    expect(identity.state.asked).toBe(1);
    await identity.bus.close();
  });

  it('keeps the last answer for a bounded stale time while identity is down, then refuses to decide', async () => {
    const identity = identityOnBus();
    const time = clock();
    const check = new SessionCheck({ lookup: identity.lookup, freshSeconds: 30, staleSeconds: 60, now: time.now });
    const sid = randomUUID();
    identity.live.set(sid, 'customer-7');
    await check.state(sid);
    identity.state.down = true;
    time.advanceSeconds(89);
    expect((await check.state(sid)).active).toBe(true);
    time.advanceSeconds(1);
    await expect(check.state(sid)).rejects.toBeInstanceOf(SessionCheckUnavailableError);
    // Never asked before: nothing to fall back on.
    await expect(check.state(randomUUID())).rejects.toBeInstanceOf(SessionCheckUnavailableError);
    await identity.bus.close();
  });
});

describe('a request whose session cannot be confirmed', () => {
  it('is answered 503 with Retry-After, never let through', async () => {
    const unreachable: SessionLookup = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    const key = newSigningKey('key-1');
    const jwks = await serveJwks([key]);
    const app = await startTestApp({
      jwksUri: `${jwks.url}/jwks`,
      sessions: new SessionCheck({ lookup: unreachable, freshSeconds: 7 }),
    });
    try {
      const res = await fetch(`${app.url}/me`, { headers: { authorization: `Bearer ${signToken(key)}` } });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((await json(res)).status).toBe(503);
    } finally {
      await app.close();
      await jwks.close();
    }
  });
});
