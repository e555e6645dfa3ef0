import { type ApiRoutes, type Caller, handlerContext, noneMatch } from '@shop/kit';
import type { Context } from 'koa';
import { deleteCart, removeCartLine, setCartLine } from '../application/cart-lines';
import { createGuestCart, mergeGuestCart } from '../application/guest-carts';
import type { CartDeps, CartRef } from '../application/ports';
import { type CartAnswer, showCart } from '../application/show-cart';
import { isRefusal, parseGuestCartId, type Refusal } from '../domain/cart';
import { noSuchCart, refusalProblem } from './cart-problems';
import { cartParams, cartProductParams, cartView, ifMatchHeaders, lineBody, mergeBody, productParams } from './schemas';

const answers = {
  cart: { description: 'The cart, with its strong ETag', body: cartView },
  unauthorized: { description: 'No valid access token' },
  forbidden: { description: 'The caller is not a customer' },
  noGuestCart: { description: 'No cart has this id (never issued, expired, merged or deleted)' },
  stale: { description: 'The cart changed since the ETag in If-Match' },
  checkoutUnderWay: { description: 'A checkout of this cart is in progress' },
  invalidLine: { description: 'Invalid productId or quantity (an integer from 1 to 99), naming the field' },
  unknownProduct: { description: 'No such product, or it is archived' },
  tooMany: {
    description: 'More than the available count (errors name body.quantity), a checkout under way, or a full cart',
  },
} as const;

/** The caller's own cart: customer carts are reached through the token alone, never by id. */
const customerCart = (ctx: Context): CartRef => ({ kind: 'customer', customerId: (ctx.state.caller as Caller).id });

/** The guest cart a path names; an id we could not have issued is as unknown as one we did not. */
function guestCart(ctx: Context): CartRef {
  const cartId = parseGuestCartId(ctx.params.cartId);
  if (cartId === undefined) throw noSuchCart();
  return { kind: 'guest', cartId };
}

const ifMatchOf = (ctx: Context) => ctx.get('if-match') || undefined;
const productIdOf = (ctx: Context) => (ctx.params.productId as string).toLowerCase();

function reply(ctx: Context, answer: CartAnswer | Refusal, status = 200): void {
  if (isRefusal(answer)) throw refusalProblem(answer);
  ctx.set('ETag', answer.etag);
  // Carts are private (a guest cart's URL is its secret): no shared cache keeps them; clients revalidate.
  ctx.set('Cache-Control', 'private, no-cache');
  if (status === 200 && ctx.method === 'GET' && !noneMatch(ctx.get('if-none-match'), answer.etag)) {
    ctx.status = 304;
    return;
  }
  ctx.status = status;
  ctx.body = answer.view;
}

function replyDeleted(ctx: Context, refusal: Refusal | undefined): void {
  if (refusal) throw refusalProblem(refusal);
  ctx.status = 204;
}

/** Which cart a request reaches, and with which deps: the one difference between customer and guest routes. */
interface CartOfRequest {
  ref(ctx: Context): CartRef;
  deps(ctx: Context): CartDeps;
}

/** The handlers both kinds of cart share, each answering with the cart (or 204) and its ETag. */
const handlersFor = (cart: CartOfRequest) => ({
  show: async (ctx: Context) => reply(ctx, await showCart(handlerContext(ctx), { ref: cart.ref(ctx) }, cart.deps(ctx))),
  empty: async (ctx: Context) =>
    replyDeleted(
      ctx,
      await deleteCart(handlerContext(ctx), { ref: cart.ref(ctx), ifMatch: ifMatchOf(ctx) }, cart.deps(ctx)),
    ),
  putLine: async (ctx: Context) =>
    reply(
      ctx,
      await setCartLine(
        handlerContext(ctx),
        {
          ref: cart.ref(ctx),
          productId: productIdOf(ctx),
          quantity: (ctx.request.body as { quantity: number }).quantity,
          ifMatch: ifMatchOf(ctx),
        },
        cart.deps(ctx),
      ),
    ),
  removeLine: async (ctx: Context) =>
    reply(
      ctx,
      await removeCartLine(
        handlerContext(ctx),
        { ref: cart.ref(ctx), productId: productIdOf(ctx), ifMatch: ifMatchOf(ctx) },
        cart.deps(ctx),
      ),
    ),
});

/**
 * The cart API: the customer's own cart under /api/cart, guest carts under /api/carts/:cartId. Every answer
 * carries the cart's strong ETag; every write takes If-Match (412 when stale). POST /api/cart/checkout is
 * declared beside these by the checkout routes.
 */
export function cartRoutes(api: ApiRoutes, deps: CartDeps, ownCart: (ctx: Context) => CartDeps = () => deps): void {
  customerCartRoutes(api, ownCart);
  guestCartRoutes(api, deps);
}

/** `ownCart(ctx)`: the deps a customer's request reaches its own cart with (they settle an expired checkout). */
function customerCartRoutes(api: ApiRoutes, ownCart: (ctx: Context) => CartDeps): void {
  const handle = handlersFor({ ref: customerCart, deps: ownCart });
  api.get(
    '/api/cart',
    {
      summary: "The caller's cart (an empty one when nothing was put in it yet); If-None-Match answers 304",
      access: 'customer',
      responses: {
        200: answers.cart,
        304: { description: 'Not modified since the ETag in If-None-Match' },
        401: answers.unauthorized,
        403: answers.forbidden,
      },
    },
    handle.show,
  );

  api.delete(
    '/api/cart',
    {
      summary: "Empty the caller's cart",
      access: 'customer',
      request: { headers: ifMatchHeaders },
      responses: {
        204: { description: 'The cart is empty' },
        401: answers.unauthorized,
        403: answers.forbidden,
        409: answers.checkoutUnderWay,
        412: answers.stale,
      },
    },
    handle.empty,
  );

  api.put(
    '/api/cart/items/:productId',
    {
      summary: "Put a product in the caller's cart at a quantity (1 to 99), replacing the line's quantity",
      access: 'customer',
      request: { params: productParams, body: lineBody, headers: ifMatchHeaders },
      responses: {
        200: answers.cart,
        400: answers.invalidLine,
        401: answers.unauthorized,
        403: answers.forbidden,
        404: answers.unknownProduct,
        409: answers.tooMany,
        412: answers.stale,
      },
    },
    handle.putLine,
  );

  api.delete(
    '/api/cart/items/:productId',
    {
      summary: "Take a product out of the caller's cart (a product not in it changes nothing)",
      access: 'customer',
      request: { params: productParams, headers: ifMatchHeaders },
      responses: {
        200: answers.cart,
        400: { description: 'productId is not a UUID' },
        401: answers.unauthorized,
        403: answers.forbidden,
        409: answers.checkoutUnderWay,
        412: answers.stale,
      },
    },
    handle.removeLine,
  );

  api.post(
    '/api/cart/merge',
    {
      summary:
        "Add a guest cart's lines to the caller's cart (quantities summed, capped at 99) and delete the guest cart",
      access: 'customer',
      request: { body: mergeBody, headers: ifMatchHeaders },
      responses: {
        200: { description: "The caller's cart with the guest cart's lines", body: cartView },
        400: { description: 'body.cartId is missing or not a string' },
        401: answers.unauthorized,
        403: answers.forbidden,
        404: { description: 'No guest cart has this id (never issued, expired, or already merged)' },
        409: { description: "A checkout of the caller's cart is in progress, or the merged cart would be too large" },
        412: { description: "The caller's cart changed since the ETag in If-Match" },
      },
    },
    async (ctx) => {
      const cartId = parseGuestCartId((ctx.request.body as { cartId: string }).cartId);
      if (cartId === undefined) throw noSuchCart();
      const customerId = (ctx.state.caller as Caller).id;
      reply(
        ctx,
        await mergeGuestCart(handlerContext(ctx), { customerId, cartId, ifMatch: ifMatchOf(ctx) }, ownCart(ctx)),
      );
    },
  );
}

function guestCartRoutes(api: ApiRoutes, deps: CartDeps): void {
  const handle = handlersFor({ ref: guestCart, deps: () => deps });
  api.post(
    '/api/carts',
    {
      summary: 'Open a guest cart: its id (128 random bits) is the secret that reaches it',
      access: 'anyone',
      responses: { 201: { description: 'The empty guest cart; Location names it', body: cartView } },
    },
    async (ctx) => {
      const answer = await createGuestCart(handlerContext(ctx), {}, deps);
      if (!isRefusal(answer)) ctx.set('Location', `/api/carts/${answer.view.id}`);
      reply(ctx, answer, 201);
    },
  );

  api.get(
    '/api/carts/:cartId',
    {
      summary: 'A guest cart; If-None-Match answers 304',
      access: 'anyone',
      request: { params: cartParams },
      responses: {
        200: answers.cart,
        304: { description: 'Not modified since the ETag in If-None-Match' },
        404: answers.noGuestCart,
      },
    },
    handle.show,
  );

  api.delete(
    '/api/carts/:cartId',
    {
      summary: 'Delete a guest cart (its id reaches nothing afterwards)',
      access: 'anyone',
      request: { params: cartParams, headers: ifMatchHeaders },
      responses: { 204: { description: 'Deleted' }, 404: answers.noGuestCart, 412: answers.stale },
    },
    handle.empty,
  );

  api.put(
    '/api/carts/:cartId/items/:productId',
    {
      summary: "Put a product in a guest cart at a quantity (1 to 99), replacing the line's quantity",
      access: 'anyone',
      request: { params: cartProductParams, body: lineBody, headers: ifMatchHeaders },
      responses: {
        200: answers.cart,
        400: answers.invalidLine,
        404: { description: 'No cart has this id, or no such product, or it is archived' },
        409: answers.tooMany,
        412: answers.stale,
      },
    },
    handle.putLine,
  );

  api.delete(
    '/api/carts/:cartId/items/:productId',
    {
      summary: 'Take a product out of a guest cart (a product not in it changes nothing)',
      access: 'anyone',
      request: { params: cartProductParams, headers: ifMatchHeaders },
      responses: {
        200: answers.cart,
        400: { description: 'productId is not a UUID' },
        404: answers.noGuestCart,
        412: answers.stale,
      },
    },
    handle.removeLine,
  );
}
