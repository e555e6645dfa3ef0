import { checkRequestTarget } from '../../src/http/request-target';

const refused = (target: string) => checkRequestTarget(target).ok === false;

describe('the request target', () => {
  it.each([
    '/',
    '/api/products',
    '/api/products/0b6c0f6e-3a8e-4c43-9a7e-0d2c1d6c7b1a',
    '/api/products?q=../../internal&limit=5',
    '/client/?hub=orders',
    '/docs/',
    '/api/products/a%20b',
    '/api/products/50%25',
    "/api/x;v=1/y:z@!$&'()*+,=~_-",
    // Data in a segment, named by validation as the parameter that holds it.
    '/api/products/%00',
  ])('accepts the plain path %s', (target) => {
    expect(checkRequestTarget(target)).toEqual({ ok: true, path: target.split('?')[0] });
  });

  it.each([
    ['dot segments', '/api/orders/../../dapr/events/x'],
    ['a single dot segment', '/api/./orders'],
    ['a trailing dot segment', '/api/orders/..'],
    ['encoded dots', '/api/payments/%2e%2e/%2e%2e/dapr/events/x'],
    ['upper-case encoded dots', '/api/payments/%2E%2E/internal'],
    ['half-encoded dots', '/api/inventory/.%2e/internal'],
    ['a dot segment with a parameter', '/api/orders/..;x=1/internal'],
    ['an encoded slash', '/api/orders%2f..%2finternal'],
    ['a backslash', '/api/orders\\..\\internal'],
    ['an encoded backslash', '/api/orders/%5c..%5cinternal'],
    ['a doubled slash', '/api//orders'],
    ['a leading doubled slash', '//internal/stock'],
    ['a tab', '/api/orders/.\t./internal'],
    ['a malformed escape', '/api/products/%zz'],
    ['a truncated escape', '/api/products/%2'],
    ['a raw space', '/api/products/a b'],
    ['a fragment', '/api/orders#/../../internal'],
    ['raw non-ASCII', '/api/produits/é'],
    ['an absolute-form target', 'http://shop.local/internal/stock/1'],
    ['the asterisk form', '*'],
    ['nothing', ''],
  ])('refuses %s', (_name, target) => {
    expect(refused(target)).toBe(true);
  });

  // The property the gateway relies on: a path it accepts is the path WHATWG URL (the proxy's parser) forwards, and
  // the path Koa routes; so the owner judged from it is the owner that answers.
  it('accepts only paths that every parser reads unchanged, over thousands of generated forms', () => {
    const pieces = ['/', '.', '..', '%2e', '%2E', '%2f', '%5C', '\\', ';', ';x', 'api', 'orders', 'internal', '%00'];
    const more = ['%09', '\t', 'A', '%25', '%2', '#', ' ', 'é', '%41', '~', '@', ':'];
    const alphabet = [...pieces, ...more];
    let state = 42;
    const random = () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const length = 1 + Math.floor(random() * 8);
      let target = '/';
      for (let j = 0; j < length; j++) target += alphabet[Math.floor(random() * alphabet.length)];
      const verdict = checkRequestTarget(target);
      if (!verdict.ok) continue;
      accepted++;
      expect({ target, parsed: new URL(target, 'http://gateway').pathname }).toEqual({ target, parsed: target });
      expect(verdict.path.split('/')).not.toContain('..');
    }
    expect(accepted).toBeGreaterThan(1_000);
  });
});
