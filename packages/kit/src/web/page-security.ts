import { createHash } from 'node:crypto';

/** The sources a page may load its scripts and styles from; both default to the page's own origin. */
export interface PageSources {
  script?: string[];
  style?: string[];
}

/** The CSP source of one inline script or style: only that exact text runs. */
export function inlineSourceHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The Content-Security-Policy of a page the platform serves itself (the storefront, the admin dashboard, the hub's
 * live page): scripts and styles from the given sources only, and every request to its own origin only (the API and
 * the hubs' WebSockets: CSP 3 lets 'self' match ws: and wss: of the same host). Nothing else is loaded, framed or
 * posted elsewhere.
 */
export function pageContentSecurityPolicy(sources: PageSources = {}): string {
  return [
    "default-src 'none'",
    `script-src ${(sources.script ?? ["'self'"]).join(' ')}`,
    `style-src ${(sources.style ?? ["'self'"]).join(' ')}`,
    "connect-src 'self'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The response headers of such a page: its policy, and no referrer sent with what it requests. */
export function pageSecurityHeaders(sources: PageSources = {}): Record<string, string> {
  return { 'Content-Security-Policy': pageContentSecurityPolicy(sources), 'Referrer-Policy': 'no-referrer' };
}
