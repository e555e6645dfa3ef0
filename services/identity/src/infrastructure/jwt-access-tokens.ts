import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { AccessTokenIssuer } from '../application/ports';
import type { SigningKeyRing } from './signing-keys';

/** RS256 access tokens with the ring's current `kid` and the login's `sid`, verified by every service through the JWKS. */
export function jwtAccessTokens(options: {
  keys: SigningKeyRing;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}): AccessTokenIssuer {
  return {
    async issue(customer, sessionId) {
      const { kid, key } = await options.keys.signingKey();
      // `sid` names the login (refresh-token family): verifiers ask identity whether it is still live.
      const claims = { email: customer.email, roles: customer.roles, sid: sessionId };
      const accessToken = jwt.sign(claims, key, {
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
