import { createHash } from 'node:crypto';
import { inlineSourceHash, pageContentSecurityPolicy, pageSecurityHeaders } from '../../src/web/page-security';

describe("a page's security headers", () => {
  it('lets only its own origin serve scripts and styles and answer requests, by default', () => {
    const policy = pageContentSecurityPolicy();
    expect(policy.split('; ')).toEqual([
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      'img-src data:',
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ]);
  });

  it('admits an inline script or style by the SHA-256 of its exact text', () => {
    const script = 'console.log(1);';
    const digest = createHash('sha256').update(script, 'utf8').digest('base64');
    expect(inlineSourceHash(script)).toBe(`'sha256-${digest}'`);
    const policy = pageContentSecurityPolicy({ script: ["'self'", inlineSourceHash(script)], style: [] });
    expect(policy).toContain(`script-src 'self' 'sha256-${digest}'`);
    expect(inlineSourceHash(`${script} `)).not.toBe(inlineSourceHash(script));
  });

  it('sends no referrer with what the page requests', () => {
    expect(pageSecurityHeaders()).toEqual({
      'Content-Security-Policy': pageContentSecurityPolicy(),
      'Referrer-Policy': 'no-referrer',
    });
  });
});
