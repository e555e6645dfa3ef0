// The storefront's pages live in the URL's fragment (`/#/product/<id>`): the origin serves one page at `/`, and
// every view has an address that can be bookmarked, shared and reached with the browser's back button.
export type Route =
  | { view: 'catalog'; categoryId?: string; q?: string }
  | { view: 'product'; productId: string }
  | { view: 'cart' }
  | { view: 'checkout' }
  | { view: 'orders' }
  | { view: 'order'; orderId: string }
  | { view: 'notifications' }
  | { view: 'sign-in'; next?: string }
  | { view: 'register'; next?: string };

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?', 2);
  const params = new URLSearchParams(search);
  const [first = '', second] = path.split('/').filter(Boolean).map(decodeURIComponent);
  const next = params.get('next') ?? undefined;
  switch (first) {
    case 'category':
      return second ? { view: 'catalog', categoryId: second } : { view: 'catalog' };
    case 'search':
      return { view: 'catalog', q: params.get('q') ?? '' };
    case 'product':
      return second ? { view: 'product', productId: second } : { view: 'catalog' };
    case 'cart':
      return { view: 'cart' };
    case 'checkout':
      return { view: 'checkout' };
    case 'orders':
      return second ? { view: 'order', orderId: second } : { view: 'orders' };
    case 'notifications':
      return { view: 'notifications' };
    case 'sign-in':
      return next ? { view: 'sign-in', next } : { view: 'sign-in' };
    case 'register':
      return next ? { view: 'register', next } : { view: 'register' };
    default:
      return { view: 'catalog' };
  }
}

export const href = {
  home: () => '#/',
  category: (id: string) => `#/category/${encodeURIComponent(id)}`,
  search: (q: string) => `#/search?${new URLSearchParams({ q })}`,
  product: (id: string) => `#/product/${encodeURIComponent(id)}`,
  cart: () => '#/cart',
  checkout: () => '#/checkout',
  orders: () => '#/orders',
  order: (id: string) => `#/orders/${encodeURIComponent(id)}`,
  notifications: () => '#/notifications',
  signIn: (next?: string) => (next ? `#/sign-in?${new URLSearchParams({ next })}` : '#/sign-in'),
  register: (next?: string) => (next ? `#/register?${new URLSearchParams({ next })}` : '#/register'),
};
