import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { AppNotification, Cart, Category, Customer, Page } from './api';
import { request } from './api';
import { loadCart, mergeGuestCart } from './cart';
import { CustomerFeed, type LiveState, type OrderStatusChange, StockFeed } from './live';
import { navigate, useRoute } from './navigation';
import { href, type Route } from './route';
import { Session } from './session';
import { type Shop, ShopContext } from './shop-context';
import { RegisterView, SignInView } from './views/account';
import { CartView } from './views/cart-view';
import { CatalogView } from './views/catalog';
import { CheckoutView } from './views/checkout';
import { NotificationsView } from './views/notifications';
import { OrdersView, OrderView } from './views/orders';
import { ProductView } from './views/product';

function View({ route }: { route: Route }) {
  switch (route.view) {
    case 'catalog':
      return <CatalogView key={`${route.categoryId}|${route.q}`} categoryId={route.categoryId} q={route.q} />;
    case 'product':
      return <ProductView key={route.productId} productId={route.productId} />;
    case 'cart':
      return <CartView />;
    case 'checkout':
      return <CheckoutView />;
    case 'orders':
      return <OrdersView />;
    case 'order':
      return <OrderView key={route.orderId} orderId={route.orderId} />;
    case 'notifications':
      return <NotificationsView />;
    case 'sign-in':
      return <SignInView next={route.next} />;
    case 'register':
      return <RegisterView next={route.next} />;
  }
}

function SearchForm({ initial }: { initial: string }) {
  const [q, setQ] = useState(initial);
  useEffect(() => setQ(initial), [initial]);
  return (
    <search class="search">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          navigate(href.search(q.trim()));
        }}
      >
        <label for="search" class="visually-hidden">
          Search products
        </label>
        <input
          id="search"
          class="search-field"
          type="search"
          placeholder="Search products"
          value={q}
          onInput={(event) => setQ((event.target as HTMLInputElement).value)}
        />
        <button type="submit">Search</button>
      </form>
    </search>
  );
}

export function App() {
  const { route, hash } = useRoute();
  const [customer, setCustomer] = useState<Customer | undefined>();
  const [categories, setCategories] = useState<Category[]>([]);
  const [cart, setCart] = useState<Cart | undefined>();
  const [orderChanges, setOrderChanges] = useState<Record<string, OrderStatusChange>>({});
  const [notifications, setNotifications] = useState<AppNotification[]>([]);
  const [reconnects, setReconnects] = useState(0);
  const [live, setLive] = useState<LiveState | undefined>();
  const [announcement, setAnnouncement] = useState('');
  const [ready, setReady] = useState(false);
  const [cartPending, setCartPending] = useState(false);
  const feed = useRef<CustomerFeed | undefined>(undefined);

  const session = useMemo(() => new Session((signedIn) => setCustomer(signedIn)), []);
  const stock = useMemo(() => new StockFeed(), []);

  const announcementTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const announce = (text: string) => {
    // Cleared first, so the same words said twice are read twice; gone after a while, not read again later.
    setAnnouncement('');
    clearTimeout(announcementTimer.current);
    setTimeout(() => setAnnouncement(text), 50);
    announcementTimer.current = setTimeout(() => setAnnouncement(''), 6_000);
  };

  useEffect(() => {
    request<Category[]>('/api/categories').then(setCategories, () => setCategories([]));
    session
      .resume()
      .catch(() => undefined)
      .then(async () => {
        if (!session.customer) setCart(await loadCart(session).catch(() => undefined));
      })
      .finally(() => setReady(true));
  }, []);

  // A customer's cart (the guest's merged into it), notifications and live feeds while signed in.
  useEffect(() => {
    if (!customer) {
      setNotifications([]);
      setLive(undefined);
      return;
    }
    let current = true;
    setCartPending(true);
    mergeGuestCart(session)
      .catch(() => loadCart(session))
      .then(
        (merged) => {
          if (current) setCart(merged);
        },
        () => undefined,
      )
      .finally(() => {
        if (current) setCartPending(false);
      });
    const loadNotifications = () =>
      session.authed<Page<AppNotification>>('/api/notifications?limit=20').then(
        (page) => current && setNotifications(page.items),
        () => undefined,
      );
    void loadNotifications();
    const customerFeed = new CustomerFeed(() => session.accessToken, {
      onOrderStatus: (change) => {
        setOrderChanges((known) => ({ ...known, [change.orderId]: change }));
      },
      onNotification: (notification) => {
        setNotifications((known) => [notification, ...known.filter((item) => item.id !== notification.id)]);
        announce(`New notification: ${notification.title}`);
      },
      onState: (state) => current && setLive(state),
      onReconnected: () => {
        setReconnects((count) => count + 1);
        void loadNotifications();
      },
    });
    feed.current = customerFeed;
    customerFeed.start((state) => current && setLive(state)).catch(() => current && setLive('offline'));
    return () => {
      current = false;
      feed.current = undefined;
      void customerFeed.stop();
    };
  }, [customer?.id]);

  const unread = notifications.filter((notification) => !notification.readAt).length;
  const shop: Shop = {
    session,
    customer,
    categories,
    cart,
    cartPending,
    showCart: setCart,
    reloadCart: async () => setCart(await loadCart(session)),
    stock,
    orderChanges,
    reconnects,
    live,
    notifications,
    markRead: async (notification) => {
      const read = await session.authed<AppNotification>(
        `/api/notifications/${encodeURIComponent(notification.id)}/read`,
        { method: 'POST' },
      );
      setNotifications((known) => known.map((item) => (item.id === read.id ? read : item)));
    },
    announce,
  };

  const signOut = async () => {
    await session.signOut();
    setCart(undefined);
    setOrderChanges({});
    announce('Signed out.');
    navigate(href.home());
  };

  const itemCount = cart?.itemCount ?? 0;
  const q = route.view === 'catalog' ? (route.q ?? '') : '';
  return (
    <ShopContext.Provider value={shop}>
      {/* A button, not a link to #main: the fragment holds the view's address. */}
      <button type="button" class="skip-link" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header class="site-header">
        <a class="brand" href={href.home()}>
          Shop
        </a>
        <SearchForm initial={q} />
        <nav aria-label="Account">
          <ul class="account-links">
            <li>
              <a href={href.cart()} aria-current={route.view === 'cart' ? 'page' : undefined}>
                Cart{' '}
                <span class="count" id="cart-count" data-count={itemCount}>
                  {itemCount}
                </span>
                <span class="visually-hidden"> {itemCount === 1 ? 'item' : 'items'}</span>
              </a>
            </li>
            {customer ? (
              <>
                <li>
                  <a href={href.orders()} aria-current={route.view === 'orders' ? 'page' : undefined}>
                    My orders
                  </a>
                </li>
                <li>
                  <a href={href.notifications()} aria-current={route.view === 'notifications' ? 'page' : undefined}>
                    Notifications{' '}
                    <span class="count" id="unread-count" data-count={unread}>
                      {unread}
                    </span>
                    <span class="visually-hidden"> unread</span>
                  </a>
                </li>
                <li>
                  <button type="button" class="link" onClick={signOut}>
                    Sign out <span class="visually-hidden">{customer.name}</span>
                  </button>
                </li>
              </>
            ) : (
              <>
                <li>
                  <a href={href.signIn()}>Sign in</a>
                </li>
                <li>
                  <a href={href.register()}>Register</a>
                </li>
              </>
            )}
          </ul>
        </nav>
      </header>
      {customer && (
        <p class="greeting">
          Signed in as {customer.name}.{' '}
          <span id="live-state" data-state={live ?? 'connecting'}>
            {live === 'live'
              ? 'Live updates on.'
              : live === 'offline'
                ? 'Live updates off: reload to resume.'
                : 'Connecting live updates…'}
          </span>
        </p>
      )}
      <main id="main" tabIndex={-1}>
        {ready ? <View key={hash.split('?')[0]} route={route} /> : <p role="status">Loading the shop…</p>}
      </main>
      <p class="visually-hidden" id="announcer" role="status" aria-live="polite">
        {announcement}
      </p>
      <footer class="site-footer">
        <p>
          A demo shop on the open-source shop platform. Test cards: 4242 4242 4242 4242 (approved), 4000 0000 0000 0002
          (declined).
        </p>
      </footer>
    </ShopContext.Provider>
  );
}
