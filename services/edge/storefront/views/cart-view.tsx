import { useState } from 'preact/hooks';
import type { CartLine } from '../api';
import { removeLine, setQuantity } from '../cart';
import { ErrorMessage, PageHeading, Price } from '../components';
import { href } from '../route';
import { useShop } from '../shop-context';

function Line({ line, onError }: { line: CartLine; onError(error: unknown): void }) {
  const shop = useShop();
  const [busy, setBusy] = useState(false);
  const change = async (write: () => Promise<unknown>, done: string) => {
    setBusy(true);
    onError(undefined);
    try {
      await write();
      shop.announce(done);
    } catch (error) {
      onError(error);
    } finally {
      setBusy(false);
    }
  };
  const most = Math.max(line.quantity, Math.min(99, line.available));
  const inputId = `quantity-${line.productId}`;
  return (
    <li class="cart-line" data-product-id={line.productId}>
      <div>
        <a href={href.product(line.productId)}>{line.name}</a>
        <p class="hint">
          <Price money={line.unitPrice} /> each
          {line.status === 'archived' && ' · no longer sold: remove it to check out'}
          {line.status !== 'archived' && line.quantity > line.available && ` · only ${line.available} available`}
        </p>
      </div>
      <label for={inputId} class="visually-hidden">
        Quantity of {line.name}
      </label>
      <select
        id={inputId}
        value={line.quantity}
        disabled={busy}
        onChange={(event) => {
          const quantity = Number((event.target as HTMLSelectElement).value);
          void change(
            async () => shop.showCart(await setQuantity(shop.session, line.productId, quantity)),
            `${line.name}: quantity ${quantity}.`,
          );
        }}
      >
        {Array.from({ length: Math.max(1, most) }, (_, index) => index + 1).map((count) => (
          <option key={count} value={count}>
            {count}
          </option>
        ))}
      </select>
      <Price money={line.lineTotal} />
      <button
        type="button"
        class="link"
        disabled={busy}
        onClick={() =>
          change(
            async () => shop.showCart(await removeLine(shop.session, line.productId)),
            `${line.name} removed from your cart.`,
          )
        }
      >
        Remove<span class="visually-hidden"> {line.name}</span>
      </button>
    </li>
  );
}

export function CartView() {
  const shop = useShop();
  const [error, setError] = useState<unknown>();
  const cart = shop.cart;
  const empty = !cart || cart.items.length === 0;
  return (
    <div class="narrow">
      <PageHeading>Your cart</PageHeading>
      <ErrorMessage error={error} />
      {empty ? (
        <p>
          Your cart is empty. <a href={href.home()}>Browse the products</a>
        </p>
      ) : (
        <>
          <ul class="cart-lines" aria-label="Items in your cart">
            {cart.items.map((line) => (
              <Line key={line.productId} line={line} onError={setError} />
            ))}
          </ul>
          <p class="total">
            Total ({cart.itemCount} {cart.itemCount === 1 ? 'item' : 'items'}): <Price money={cart.total} />
          </p>
          {shop.customer ? (
            <a class="button" href={href.checkout()}>
              Go to checkout
            </a>
          ) : (
            <p>
              <a class="button" href={href.signIn('checkout')}>
                Sign in to check out
              </a>{' '}
              Your cart comes with you when you sign in. No account yet?{' '}
              <a href={href.register('checkout')}>Create one</a>.
            </p>
          )}
        </>
      )}
    </div>
  );
}
