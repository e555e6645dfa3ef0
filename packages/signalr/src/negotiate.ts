import type { TransportKind } from './hub-metrics';
import type { HubProtocol, TransferFormat } from './protocol/hub-protocol';

/** Negotiate versions this server speaks: 0 (connection id only) and 1 (a separate connection token). */
export const maxNegotiateVersion = 1;

export type NegotiateQuery = { ok: true; version: number; statefulReconnect: boolean } | { ok: false; error: string };

/**
 * Reads the negotiate query as ASP.NET Core does: parameter names case-insensitively (Azure redirect URLs carry
 * extra and repeated parameters, which are ignored), a missing version is 0, a version above ours is answered
 * with ours.
 */
export function readNegotiateQuery(query: URLSearchParams): NegotiateQuery {
  let versionText: string | undefined;
  let statefulReconnect = false;
  for (const [name, value] of query) {
    const key = name.toLowerCase();
    if (key === 'negotiateversion') versionText ??= value;
    else if (key === 'usestatefulreconnect') statefulReconnect ||= value.toLowerCase() === 'true';
  }
  if (versionText === undefined) return { ok: true, version: 0, statefulReconnect };
  if (!/^[+-]?\d+$/.test(versionText.trim())) {
    return { ok: false, error: 'The client requested a non-integer protocol version.' };
  }
  const requested = Number(versionText);
  if (requested < 0) {
    return {
      ok: false,
      error: `The client requested version '${requested}', but the server does not support this version.`,
    };
  }
  return { ok: true, version: Math.min(requested, maxNegotiateVersion), statefulReconnect };
}

/** The formats each transport carries, as negotiate lists them. */
export function transferFormatsOf(transport: TransportKind, protocols: Iterable<HubProtocol>): TransferFormat[] {
  const formats = new Set<TransferFormat>();
  for (const protocol of protocols) formats.add(protocol.transferFormat);
  const offered = (['Text', 'Binary'] as const).filter((format) => formats.has(format));
  return transport === 'ServerSentEvents' ? offered.filter((format) => format === 'Text') : offered;
}

export interface NegotiateResponse {
  negotiateVersion: number;
  connectionId: string;
  connectionToken?: string;
  availableTransports: Array<{ transport: TransportKind; transferFormats: TransferFormat[] }>;
  useStatefulReconnect?: true;
}
