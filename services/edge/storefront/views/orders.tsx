import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Order, type Page, type Product, query, request } from '../api';
import { ErrorMessage, Loading, PageHeading, Price } from '../components';
import { failureText, formatTime, statusWords } from '../format';
import type { OrderStatusChange } from '../live';
import { href } from '../route';
import { useShop } from '../shop-context';

/** The order as last known: the answer read, or a newer status the hub pushed since. */
function withLiveStatus(order: Order, change: OrderStatusChange | undefined): Order {
  if (!change || Date.parse(change.at) < Date.parse(order.updatedAt)) return order;
  return {
    ...order,
    status: change.status,
    updatedAt: change.at,
    ...(change.failureReason ? { failureReason: change.failureReason } : {}),
  };
}

function StatusBadge({ order }: { order: Order }) {
  return (
    <span class={`status status-${order.status}`} data-status={order.status}>
      {statusWords[order.status] ?? order.status}
    </span>
  );
}

function SignInFirst({ title }: { title: string }) {
  return (
    <div class="narrow">
      <PageHeading>{title}</PageHeading>
      <p>
        <a href={href.signIn('orders')}>Sign in</a> to see your orders.
      </p>
    </div>
  );
}

export function OrdersView() {
  const shop = useShop();
  const [orders, setOrders] = useState<Order[] | undefined>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const signedIn = shop.customer !== undefined;

  const load = (after?: string) =>
    shop.session.authed<Page<Order>>(`/api/orders${query({ limit: 20, cursor: after })}`);
  useEffect(() => {
    if (!signedIn) return;
    let current = true;
    load().then(
      (page) => {
        if (!current) return;
        setOrders(page.items);
        setCursor(page.nextCursor);
      },
      (failure) => current && setError(failure),
    );
    return () => {
      current = false;
    };
  }, [signedIn, shop.reconnects]);

  if (!signedIn) return <SignInFirst title="My orders" />;
  const more = async () => {
    if (!cursor) return;
    try {
      const page = await load(cursor);
      setOrders((shown) => [...(shown ?? []), ...page.items]);
      setCursor(page.nextCursor);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <div class="narrow">
      <PageHeading>My orders</PageHeading>
      <p class="hint">Statuses update live.</p>
      <ErrorMessage error={error} />
      {!orders && !error && <Loading what="your orders" />}
      {orders && orders.length === 0 && (
        <p>
          No orders yet. <a href={href.home()}>Browse the products</a>
        </p>
      )}
      {orders && orders.length > 0 && (
        <ul class="orders" aria-label="Your orders, newest first">
          {orders.map((stored) => {
            const order = withLiveStatus(stored, shop.orderChanges[stored.id]);
            return (
              <li key={order.id} data-order-id={order.id}>
                <a href={href.order(order.id)}>Order of {formatTime(order.createdAt)}</a>
                <Price money={order.total} />
                <StatusBadge order={order} />
              </li>
            );
          })}
        </ul>
      )}
      {cursor && (
        <button type="button" class="secondary" onClick={more}>
          Show older orders
        </button>
      )}
    </div>
  );
}

/** The names of the ordered products (an order keeps ids and prices only). */
function useProductNames(ids: string[]): Record<string, string> {
  const [names, setNames] = useState<Record<string, string>>({});
  const key = ids.join(',');
  useEffect(() => {
    let current = true;
    Promise.all(
      ids.map((id) =>
        request<Product>(`/api/products/${encodeURIComponent(id)}`).then(
          (product) => [id, product.name] as const,
          () => [id, 'A product no longer sold'] as const,
        ),
      ),
    ).then((pairs) => current && setNames(Object.fromEntries(pairs)));
    return () => {
      current = false;
    };
  }, [key]);
  return names;
}

export function OrderView({ orderId }: { orderId: string }) {
  const shop = useShop();
  const [stored, setStored] = useState<Order | undefined>();
  const [error, setError] = useState<unknown>();
  const signedIn = shop.customer !== undefined;

  useEffect(() => {
    if (!signedIn) return;
    let current = true;
    shop.session.authed<Order>(`/api/orders/${encodeURIComponent(orderId)}`).then(
      (order) => current && setStored(order),
      (failure) =>
        current &&
        setError(
          failure instanceof ApiError && failure.status === 404
            ? new ApiError(404, 'No order of yours has this number.')
            : failure,
        ),
    );
    return () => {
      current = false;
    };
  }, [orderId, signedIn, shop.reconnects]);
  const names = useProductNames(stored?.items.map((item) => item.productId) ?? []);

  if (!signedIn) return <SignInFirst title="Order" />;
  if (error) {
    return (
      <div class="narrow">
        <PageHeading>Order</PageHeading>
        <ErrorMessage error={error} />
      </div>
    );
  }
  if (!stored) return <Loading what="the order" />;
  const order = withLiveStatus(stored, shop.orderChanges[orderId]);
  return (
    <div class="narrow order" data-order-id={order.id}>
      <PageHeading>Order of {formatTime(order.createdAt)}</PageHeading>
      <p class="hint">Order number {order.id}</p>
      <p id="order-status" role="status" aria-live="polite">
        Status: <StatusBadge order={order} />
        {order.status === 'Pending' && ' — this page updates by itself.'}
      </p>
      {order.status === 'Failed' && (
        <div class="error" role="alert" id="order-failure">
          <p>{failureText(order.failureReason)}</p>
          <p>
            <a href={href.home()}>Continue shopping</a>
          </p>
        </div>
      )}
      {order.status === 'Paid' && (
        <p class="notice" id="order-confirmed">
          Thank you! Your payment was received and your order is being prepared.
        </p>
      )}
      {order.status === 'OnHold' && <p class="notice">Your order is being reviewed. We will let you know soon.</p>}
      <table>
        <caption>What you ordered</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Quantity</th>
            <th scope="col">Price</th>
          </tr>
        </thead>
        <tbody>
          {order.items.map((item) => (
            <tr key={item.productId}>
              <td>
                <a href={href.product(item.productId)}>{names[item.productId] ?? '…'}</a>
              </td>
              <td>{item.quantity}</td>
              <td>
                <Price money={item.unitPrice} />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              Total
            </th>
            <td>
              <Price money={order.total} />
            </td>
          </tr>
        </tfoot>
      </table>
      <p>
        <a href={href.orders()}>All my orders</a>
      </p>
    </div>
  );
}
