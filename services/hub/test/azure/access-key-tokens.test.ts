import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import {
  AccessTokenError,
  audienceMatchesClientHub,
  audienceMatchesPath,
  signAccessToken,
  userIdOf,
  verifyAccessToken,
} from '../../src/azure/access-key-tokens';

const key = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH';

/** The token with its header's alg replaced and the signature recomputed over the new header with the key. */
function retitled(token: string, alg: string): string {
  const [, payload] = token.split('.');
  const header = Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
  const signature = createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}
const now = 1_800_000_000;

describe('verifying access-key tokens', () => {
  it('accepts HS256 and HS512 signed with the UTF-8 bytes of the key as written (never base64-decoded)', () => {
    for (const algorithm of ['HS256', 'HS512'] as const) {
      const token = jwt.sign({ aud: 'x', exp: now + 60 }, key, { algorithm, noTimestamp: true });
      expect(verifyAccessToken(token, [key], now)).toEqual({ aud: 'x', exp: now + 60 });
    }
    const decodedKey = Buffer.from(key, 'base64');
    const wrong = jwt.sign({ exp: now + 60 }, decodedKey, { algorithm: 'HS256', noTimestamp: true });
    expect(() => verifyAccessToken(wrong, [key], now)).toThrow('The signature key was not found');
  });

  it('accepts any of several keys (a rotation), and our own signer matches an independent one', () => {
    const token = signAccessToken({ aud: 'x', exp: now + 60 }, 'second-access-key-0000');
    expect(jwt.verify(token, 'second-access-key-0000')).toEqual({ aud: 'x', exp: now + 60 });
    expect(verifyAccessToken(token, [key, 'second-access-key-0000'], now).aud).toBe('x');
  });

  it('requires exp, honours nbf, and allows five minutes of clock skew', () => {
    const sign = (claims: object) => jwt.sign(claims, key, { algorithm: 'HS256', noTimestamp: true });
    expect(() => verifyAccessToken(sign({ aud: 'x' }), [key], now)).toThrow('The token has no expiration time');
    expect(verifyAccessToken(sign({ exp: now - 299 }), [key], now).exp).toBe(now - 299);
    expect(() => verifyAccessToken(sign({ exp: now - 301 }), [key], now)).toThrow('The token is expired');
    expect(() => verifyAccessToken(sign({ exp: now + 900, nbf: now + 301 }), [key], now)).toThrow(
      'The token is not valid yet',
    );
    expect(verifyAccessToken(sign({ exp: now + 900, nbf: now + 299 }), [key], now).nbf).toBe(now + 299);
  });

  it.each([
    ['not a JWT', 'abc'],
    [
      'alg none',
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"exp":9e9}').toString('base64url')}.`,
    ],
    ['RS256 named over an HMAC signature', retitled(jwt.sign({ exp: now + 60 }, key, { algorithm: 'HS256' }), 'RS256')],
    ['a payload that is not JSON', `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.bm90IGpzb24.x`],
    ['too long', 'a'.repeat(5_000)],
  ])('refuses %s', (_case, token) => {
    expect(() => verifyAccessToken(token, [key], now)).toThrow(AccessTokenError);
  });
});

describe('audiences', () => {
  const path = '/api/hubs/chat/groups/night shift/:send';
  it.each([
    ['the docs: the URL without query', 'https://svc.example/api/hubs/chat/groups/night%20shift/:send'],
    [
      'the SDK: no port, lowercased, the query',
      'http://localhost/api/hubs/chat/groups/night%20shift/:send?api-version=2022-06-01',
    ],
    [
      'Dapr: port and query, in an array',
      ['http://localhost:8080/api/hubs/chat/groups/night shift/:send?api-version=2022-11-01'],
    ],
    ['a trailing slash and another case', 'http://localhost:8080/API/Hubs/Chat/groups/night%20shift/:send/'],
  ])('of REST calls match on the path: %s', (_case, aud) => {
    expect(audienceMatchesPath({ aud }, path)).toBe(true);
  });

  it('of REST calls refuse another path, a client audience, none, or something not a URL', () => {
    expect(audienceMatchesPath({ aud: 'http://localhost/api/hubs/chat/:send' }, path)).toBe(false);
    expect(audienceMatchesPath({ aud: 'http://localhost/client/?hub=chat' }, '/client')).toBe(true);
    expect(audienceMatchesPath({ aud: 'http://localhost/client/?hub=chat' }, path)).toBe(false);
    expect(audienceMatchesPath({}, path)).toBe(false);
    expect(audienceMatchesPath({ aud: [42 as unknown as string, 'nonsense'] }, path)).toBe(false);
  });

  it('of clients name the hub in the /client URL, case-insensitively', () => {
    expect(audienceMatchesClientHub({ aud: 'https://svc.example/client/?hub=Chat' }, 'chat')).toBe(true);
    expect(audienceMatchesClientHub({ aud: ['http://localhost:8080/client?hub=chat'] }, 'chat')).toBe(true);
    expect(audienceMatchesClientHub({ aud: 'http://localhost/client/?hub=other' }, 'chat')).toBe(false);
    expect(audienceMatchesClientHub({ aud: 'http://localhost/api/v1/hubs/chat' }, 'chat')).toBe(false);
  });
});

describe('the user of a client token', () => {
  it("is Azure's asrs.s.uid, then nameid, then sub, then the long NameIdentifier claim", () => {
    const long = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier';
    expect(userIdOf({ 'asrs.s.uid': 'a', nameid: 'b', sub: 'c', [long]: 'd' })).toBe('a');
    expect(userIdOf({ nameid: 'b', sub: 'c', [long]: 'd' })).toBe('b');
    expect(userIdOf({ sub: 'c', [long]: 'd' })).toBe('c');
    expect(userIdOf({ [long]: 'd' })).toBe('d');
    expect(userIdOf({ sub: '' })).toBeUndefined();
  });
});
