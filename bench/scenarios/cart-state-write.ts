import { randomBytes } from 'node:crypto';
import type { StateStore } from '@shop/kit';

interface BenchCart {
  id: string;
  lines: Array<{ productId: string; quantity: number; addedAt: string }>;
  revision: string;
  updatedAt: string;
}

/**
 * The storage work of one cart write and nothing more: read the entry, set one line's quantity, save it on the ETag
 * read (throws EtagMismatchError when another writer got there first). The cart benchmark's floor.
 */
export async function benchCartWrite(state: StateStore, cartKey: string, productId: string): Promise<BenchCart> {
  const entry = await state.get<BenchCart>(cartKey);
  const now = new Date().toISOString();
  const lines = entry?.value.lines.filter((line) => line.productId !== productId) ?? [];
  const quantity = ((entry?.value.lines.find((line) => line.productId === productId)?.quantity ?? 0) % 99) + 1;
  const cart: BenchCart = {
    id: cartKey,
    lines: [...lines, { productId, quantity, addedAt: now }],
    revision: randomBytes(12).toString('base64url'),
    updatedAt: now,
  };
  await state.save(cartKey, cart, entry ? { etag: entry.etag } : { ifAbsent: true });
  return cart;
}
