import { EmbeddedBus, EtagMismatchError } from '@shop/kit';
import { benchCartWrite } from './cart-state-write';

describe("the cart benchmark's bare state-store write", () => {
  it('does what a cart write does to its entry: one line set, the rest kept, a new version each time', async () => {
    const state = new EmbeddedBus().meshFor('bench-cart').state;
    await benchCartWrite(state, 'cart-1', 'teapot');
    await benchCartWrite(state, 'cart-1', 'kettle');
    const first = await state.get<{ lines: Array<{ productId: string; quantity: number }> }>('cart-1');
    await benchCartWrite(state, 'cart-1', 'teapot');
    const second = await state.get<{ lines: Array<{ productId: string; quantity: number }> }>('cart-1');
    expect(second?.value.lines.map((line) => [line.productId, line.quantity])).toEqual([
      ['kettle', 1],
      ['teapot', 2],
    ]);
    expect(second?.etag).not.toBe(first?.etag);
  });

  it('is conditional, as the cart service writes: of two writers racing on one read, or on one absent entry, one loses', async () => {
    const state = new EmbeddedBus().meshFor('bench-cart').state;
    const creators = await Promise.allSettled([
      benchCartWrite(state, 'cart-2', 'teapot'),
      benchCartWrite(state, 'cart-2', 'kettle'),
    ]);
    expect(creators.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = creators.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(EtagMismatchError);
    const writers = await Promise.allSettled([
      benchCartWrite(state, 'cart-2', 'teapot'),
      benchCartWrite(state, 'cart-2', 'kettle'),
    ]);
    expect(writers.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
  });
});
