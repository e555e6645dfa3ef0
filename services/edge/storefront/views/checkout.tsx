import { useRef } from 'preact/hooks';
import type { Order } from '../api';
import { ErrorMessage, Field, fieldInvalid, Loading, PageHeading, Price } from '../components';
import { navigate } from '../navigation';
import { href } from '../route';
import { useShop } from '../shop-context';
import { useAction } from '../use-action';

const countries: [string, string][] = [
  ['AT', 'Austria'],
  ['BE', 'Belgium'],
  ['CH', 'Switzerland'],
  ['DE', 'Germany'],
  ['DK', 'Denmark'],
  ['ES', 'Spain'],
  ['FR', 'France'],
  ['GB', 'United Kingdom'],
  ['IE', 'Ireland'],
  ['IT', 'Italy'],
  ['NL', 'Netherlands'],
  ['PL', 'Poland'],
  ['PT', 'Portugal'],
  ['SE', 'Sweden'],
  ['US', 'United States'],
];

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

export function CheckoutView() {
  const shop = useShop();
  const { busy, error, run } = useAction();
  // One key per order the shopper means to place: a retry after a lost answer is the same checkout, not a second.
  const idempotencyKey = useRef(crypto.randomUUID());
  const cart = shop.cart;

  if (!shop.customer) {
    return (
      <div class="narrow">
        <PageHeading>Checkout</PageHeading>
        <p>
          <a href={href.signIn('checkout')}>Sign in</a> to check out.
        </p>
      </div>
    );
  }
  if (shop.cartPending) return <Loading what="your cart" />;
  if (!cart || cart.items.length === 0) {
    return (
      <div class="narrow">
        <PageHeading>Checkout</PageHeading>
        <p>
          Your cart is empty. <a href={href.home()}>Browse the products</a>
        </p>
      </div>
    );
  }

  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const year = Number(text(form, 'expYear'));
    const body = {
      shippingAddress: {
        line1: text(form, 'line1'),
        city: text(form, 'city'),
        postalCode: text(form, 'postalCode'),
        country: text(form, 'country'),
      },
      payment: {
        // Typed in groups of four, as printed on the card; the API takes the digits.
        cardNumber: text(form, 'cardNumber').replace(/[\s-]/g, ''),
        expMonth: Number(text(form, 'expMonth')),
        expYear: year < 100 ? 2000 + year : year,
        cvc: text(form, 'cvc'),
      },
    };
    return run(async () => {
      const order = await shop.session
        .authed<Order>('/api/cart/checkout', {
          method: 'POST',
          body,
          headers: { 'Idempotency-Key': idempotencyKey.current },
        })
        .finally(() => {
          // Placed or refused, the next attempt is a new checkout (a refused one placed no order).
          idempotencyKey.current = crypto.randomUUID();
        });
      await shop.reloadCart().catch(() => undefined);
      shop.announce('Order placed. Following its status live.');
      navigate(href.order(order.id));
    });
  };

  const invalid = (name: string) => (fieldInvalid(error, name) ? true : undefined);
  const thisYear = new Date().getFullYear();
  return (
    <div class="narrow">
      <PageHeading>Checkout</PageHeading>
      <p>
        {cart.itemCount} {cart.itemCount === 1 ? 'item' : 'items'}, total <Price money={cart.total} />.{' '}
        <a href={href.cart()}>Change the cart</a>
      </p>
      <form class="checkout" onSubmit={submit} noValidate aria-describedby="checkout-error">
        <fieldset>
          <legend>Shipping address</legend>
          <Field id="line1" label="Street and number">
            <input id="line1" name="line1" autocomplete="address-line1" required aria-invalid={invalid('line1')} />
          </Field>
          <Field id="city" label="City">
            <input id="city" name="city" autocomplete="address-level2" required aria-invalid={invalid('city')} />
          </Field>
          <Field id="postalCode" label="Postal code">
            <input
              id="postalCode"
              name="postalCode"
              autocomplete="postal-code"
              required
              aria-invalid={invalid('postalCode')}
            />
          </Field>
          <Field id="country" label="Country">
            <select id="country" name="country" autocomplete="country" aria-invalid={invalid('country')}>
              {countries.map(([code, name]) => (
                <option key={code} value={code} selected={code === 'DE'}>
                  {name}
                </option>
              ))}
            </select>
          </Field>
        </fieldset>
        <fieldset>
          <legend>Payment</legend>
          <Field
            id="cardNumber"
            label="Card number"
            hint="Test cards: 4242 4242 4242 4242 is approved, 4000 0000 0000 0002 is declined."
          >
            <input
              id="cardNumber"
              name="cardNumber"
              inputMode="numeric"
              autocomplete="cc-number"
              required
              aria-describedby="cardNumber-hint"
              aria-invalid={invalid('cardNumber')}
            />
          </Field>
          <div class="row">
            <Field id="expMonth" label="Expiry month">
              <select id="expMonth" name="expMonth" autocomplete="cc-exp-month" aria-invalid={invalid('expMonth')}>
                {Array.from({ length: 12 }, (_, index) => index + 1).map((month) => (
                  <option key={month} value={month}>
                    {String(month).padStart(2, '0')}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="expYear" label="Expiry year">
              <select id="expYear" name="expYear" autocomplete="cc-exp-year" aria-invalid={invalid('expYear')}>
                {Array.from({ length: 10 }, (_, index) => thisYear + index).map((year) => (
                  <option key={year} value={year} selected={year === thisYear + 2}>
                    {year}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="cvc" label="Security code (CVC)">
              <input
                id="cvc"
                name="cvc"
                inputMode="numeric"
                autocomplete="cc-csc"
                maxLength={4}
                required
                aria-invalid={invalid('cvc')}
              />
            </Field>
          </div>
        </fieldset>
        <ErrorMessage error={error} id="checkout-error" />
        <button type="submit" disabled={busy}>
          {busy ? 'Placing the order…' : `Pay and place the order`}
        </button>
      </form>
    </div>
  );
}
