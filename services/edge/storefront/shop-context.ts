import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { AppNotification, Cart, Category, Customer } from './api';
import type { LiveState, OrderStatusChange, StockFeed } from './live';
import type { Session } from './session';

/** What every view shares: the login, the cart, the live feeds and the page's announcements. */
export interface Shop {
  session: Session;
  customer: Customer | undefined;
  categories: Category[];
  cart: Cart | undefined;
  /** True while the guest's cart is being merged into the customer's at sign-in. */
  cartPending: boolean;
  /** Shows this cart (the answer of a cart write). */
  showCart(cart: Cart | undefined): void;
  /** Reads the cart again. */
  reloadCart(): Promise<void>;
  stock: StockFeed;
  /** The latest status change of each order pushed live since the page opened. */
  orderChanges: Record<string, OrderStatusChange>;
  /** Bumped whenever a live connection came back: views read their data again. */
  reconnects: number;
  live: LiveState | undefined;
  notifications: AppNotification[];
  markRead(notification: AppNotification): Promise<void>;
  /** Says something to screen readers (and shows it briefly) without moving the focus. */
  announce(text: string): void;
}

export const ShopContext = createContext<Shop | undefined>(undefined);

export function useShop(): Shop {
  const shop = useContext(ShopContext);
  if (!shop) throw new Error('useShop outside the storefront');
  return shop;
}
