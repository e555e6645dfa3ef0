import type { HubConnection } from '@microsoft/signalr';
import { type ClientOptions, hubClient } from '@shop/signalr/test/support/clients';
import jwt from 'jsonwebtoken';
import { developmentAccessKey } from '../../src/config';

// Tokens are signed with jsonwebtoken, not with the hub's own signer: the verifier meets an independent issuer,
// as it does the Azure SDK's and Dapr's.

export const accessKey = developmentAccessKey;

export interface TokenOptions {
  key?: string;
  /** Seconds from now; negative for an expired token, null for none. */
  expiresIn?: number | null;
  audience?: string | string[];
  claims?: Record<string, unknown>;
  algorithm?: 'HS256' | 'HS512';
}

/** A REST token: audience the full request URL, as the docs and the Management SDK make it. */
export function restToken(url: string, options: TokenOptions = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const exp = options.expiresIn === null ? {} : { exp: now + (options.expiresIn ?? 3600) };
  const claims = { aud: options.audience ?? url, ...exp, iat: now, ...options.claims };
  // A claim set to undefined is left out (Dapr's tokens carry no iat).
  const present = Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
  return jwt.sign(present, options.key ?? accessKey, { algorithm: options.algorithm ?? 'HS256', noTimestamp: true });
}

/** A client token for `/client/?hub=<hub>`, as an app server's negotiate issues one. */
export function clientToken(base: string, hub: string, options: TokenOptions & { userId?: string } = {}): string {
  return restToken(`${base}/client/?hub=${hub}`, {
    ...options,
    claims: { ...(options.userId ? { nameid: options.userId } : {}), ...options.claims },
  });
}

/** The stock client on the Azure client endpoint of `hub`. */
export function azureClient(
  base: string,
  hub: string,
  options: ClientOptions & { userId?: string; tokenOptions?: TokenOptions } = {},
): HubConnection {
  const token = clientToken(base, hub, {
    ...options.tokenOptions,
    ...(options.userId ? { userId: options.userId } : {}),
  });
  return hubClient(`${base}/client/?hub=${hub}`, { ...options, token });
}

export interface RestCall {
  body?: unknown;
  /** A raw body (a Buffer or a string), sent as is. */
  raw?: Buffer | string;
  /** The token to send; null for none; a REST token for the URL by default. */
  token?: string | null;
  headers?: Record<string, string>;
}

/** One REST API call; the token's audience is the request URL unless told otherwise. */
export function rest(base: string, method: string, path: string, call: RestCall = {}): Promise<Response> {
  const url = `${base}${path}`;
  const token = call.token === undefined ? restToken(url) : call.token;
  const body = call.raw ?? (call.body !== undefined ? JSON.stringify(call.body) : undefined);
  return fetch(url, {
    method,
    headers: {
      ...(call.body !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...call.headers,
    },
    ...(body !== undefined ? { body } : {}),
  });
}
