import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { AccessTokenIssuer } from '../application/ports';
import type { SigningKeyRing } from './signing-keys';

/** RS256 access tokens with the ring's current `kid`, verified by every service through the JWKS. */
export function jwtAccessTokens(options: {
  keys: SigningKeyRing;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}): AccessTokenIssuer {
  return {
    async issue(customer) {
      const { kid, key } = await options.keys.signingKey();
      const accessToken = jwt.sign({ email: customer.email, roles: customer.roles }, key, {
        algorithm: 'RS256',
        keyid: kid,
        issuer: options.issuer,
        audience: options.audience,
        subject: customer.id,
        expiresIn: options.ttlSeconds,
        jwtid: randomUUID(),
      });
      return { accessToken, expiresIn: options.ttlSeconds };
    },
  };
}
