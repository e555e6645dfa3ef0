import { createHash } from 'node:crypto';
import type { Context } from 'koa';

/** A file a service serves as it is (a page, its script or style), held in memory. */
export interface StaticAsset {
  body: Buffer;
  /** Its Content-Type. */
  type: string;
  cacheControl: string;
  /** More response headers, e.g. a page's Content-Security-Policy. */
  headers?: Record<string, string>;
}

/**
 * A Koa handler answering with the asset: a strong ETag of its bytes (304 for a matching If-None-Match), its
 * Cache-Control, and `nosniff` so a browser never takes it for another type.
 */
export function serveStaticAsset(asset: StaticAsset): (ctx: Context) => void {
  const etag = `"${createHash('sha256').update(asset.body).digest('base64url')}"`;
  return (ctx) => {
    ctx.status = 200;
    ctx.type = asset.type;
    ctx.set({
      ...asset.headers,
      ETag: etag,
      'Cache-Control': asset.cacheControl,
      'X-Content-Type-Options': 'nosniff',
    });
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = asset.body;
  };
}
