// The cart: a guest's lives under its id (its bearer secret, kept in localStorage so it outlasts a reload), a
// customer's under their login; at sign-in the guest's lines are merged into the customer's cart.
import { ApiError, type Cart, request } from './api';
import type { Session } from './session';

const guestCartKey = 'shop.guestCartId';

const guestCartId = () => localStorage.getItem(guestCartKey) ?? undefined;

/** The cart on screen: the customer's, else the guest's, else none yet. */
export async function loadCart(session: Session): Promise<Cart | undefined> {
  if (session.customer) return session.authed<Cart>('/api/cart');
  const id = guestCartId();
  if (!id) return undefined;
  try {
    return await request<Cart>(`/api/carts/${encodeURIComponent(id)}`);
  } catch (error) {
    // Expired (guest carts live GUEST_CART_TTL_DAYS) or merged elsewhere: start afresh on the next add.
    if (error instanceof ApiError && error.status === 404) {
      localStorage.removeItem(guestCartKey);
      return undefined;
    }
    throw error;
  }
}

async function newGuestCart(): Promise<string> {
  const cart = await request<Cart>('/api/carts', { method: 'POST' });
  localStorage.setItem(guestCartKey, cart.id);
  return cart.id;
}

/** Sets a line's quantity (1..99); a guest without a cart gets one first. */
export async function setQuantity(session: Session, productId: string, quantity: number): Promise<Cart> {
  const body = { quantity };
  const line = `items/${encodeURIComponent(productId)}`;
  if (session.customer) return session.authed<Cart>(`/api/cart/${line}`, { method: 'PUT', body });
  const put = (id: string) => request<Cart>(`/api/carts/${encodeURIComponent(id)}/${line}`, { method: 'PUT', body });
  const id = guestCartId();
  if (!id) return put(await newGuestCart());
  try {
    return await put(id);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404 || !/cart/i.test(error.message)) throw error;
    return put(await newGuestCart());
  }
}

export async function removeLine(session: Session, productId: string): Promise<Cart | undefined> {
  const line = `items/${encodeURIComponent(productId)}`;
  if (session.customer) return session.authed<Cart>(`/api/cart/${line}`, { method: 'DELETE' });
  const id = guestCartId();
  if (!id) return undefined;
  return request<Cart>(`/api/carts/${encodeURIComponent(id)}/${line}`, { method: 'DELETE' });
}

/** After sign-in: the guest's lines join the customer's cart (quantities summed), and the guest cart is gone. */
export async function mergeGuestCart(session: Session): Promise<Cart> {
  const cartId = guestCartId();
  if (!cartId) return session.authed<Cart>('/api/cart');
  try {
    const merged = await session.authed<Cart>('/api/cart/merge', { method: 'POST', body: { cartId } });
    localStorage.removeItem(guestCartKey);
    return merged;
  } catch (error) {
    // Already merged or expired: the customer's own cart is all there is. Another refusal keeps the guest cart.
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
    localStorage.removeItem(guestCartKey);
    return session.authed<Cart>('/api/cart');
  }
}
