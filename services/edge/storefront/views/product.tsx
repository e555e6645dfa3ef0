import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Product, request, type StockLevels } from '../api';
import { setQuantity } from '../cart';
import { ErrorMessage, Loading, PageHeading, Price, ProductArt } from '../components';
import { stockClass, stockText } from '../format';
import { href } from '../route';
import { useShop } from '../shop-context';
import { RecommendationList, useRecommendations } from './catalog';

export function ProductView({ productId }: { productId: string }) {
  const shop = useShop();
  const [product, setProduct] = useState<Product | undefined>();
  const [error, setError] = useState<unknown>();
  const [available, setAvailable] = useState<number | undefined>();
  const [liveNote, setLiveNote] = useState('Connecting to live stock…');
  const [quantity, setQuantityChoice] = useState(1);
  const [adding, setAdding] = useState(false);
  const [addError, setAddError] = useState<unknown>();
  const [added, setAdded] = useState('');
  const recommendations = useRecommendations(`/api/products/${encodeURIComponent(productId)}/recommendations?limit=4`);

  useEffect(() => {
    let current = true;
    setProduct(undefined);
    setError(undefined);
    setAvailable(undefined);
    setAdded('');
    setAddError(undefined);
    request<Product>(`/api/products/${encodeURIComponent(productId)}`).then(
      (found) => {
        if (!current) return;
        setProduct(found);
        setAvailable((live) => live ?? found.stock);
      },
      (failure) =>
        current &&
        setError(
          failure instanceof ApiError && failure.status === 404
            ? new ApiError(404, 'This product is not in the shop (any more).')
            : failure,
        ),
    );
    const stop = shop.stock.watch(
      productId,
      (levels: StockLevels) => {
        if (!current) return;
        setAvailable(levels.available);
        setLiveNote('Stock updates live.');
      },
      (message) => current && setLiveNote(message),
    );
    return () => {
      current = false;
      stop();
    };
  }, [productId]);

  const inCart = shop.cart?.items.find((line) => line.productId === productId)?.quantity ?? 0;
  const stock = available ?? product?.stock ?? 0;
  const choices = Math.max(0, Math.min(10, stock - inCart, 99 - inCart));

  const add = async (event: Event) => {
    event.preventDefault();
    setAdding(true);
    setAddError(undefined);
    setAdded('');
    try {
      const cart = await setQuantity(shop.session, productId, inCart + quantity);
      shop.showCart(cart);
      const text = `Added ${quantity} × ${product?.name ?? 'the product'} to your cart.`;
      setAdded(text);
      shop.announce(text);
      setQuantityChoice(1);
    } catch (failure) {
      setAddError(failure);
    } finally {
      setAdding(false);
    }
  };

  if (error) {
    return (
      <div class="narrow">
        <PageHeading>Product not found</PageHeading>
        <ErrorMessage error={error} />
        <p>
          <a href={href.home()}>Back to all products</a>
        </p>
      </div>
    );
  }
  if (!product) return <Loading what="the product" />;
  return (
    <article class="product" data-product-id={product.id}>
      <ProductArt id={product.id} name={product.name} />
      <div class="product-info">
        <p class="breadcrumb">
          <a href={href.category(product.categoryId)}>Back to the category</a>
        </p>
        <PageHeading>{product.name}</PageHeading>
        <p class="product-price">
          <Price money={product.price} />
        </p>
        <p id="stock" class={stockClass(stock)} data-available={stock} aria-live="polite">
          {stockText(stock)}
        </p>
        <p class="hint">{liveNote}</p>
        {product.description && <p class="description">{product.description}</p>}
        <p class="hint">SKU {product.sku}</p>
        {choices > 0 ? (
          <form class="add-to-cart" onSubmit={add}>
            <label for="quantity">Quantity</label>
            <select
              id="quantity"
              value={quantity}
              onChange={(event) => setQuantityChoice(Number((event.target as HTMLSelectElement).value))}
            >
              {Array.from({ length: choices }, (_, index) => index + 1).map((count) => (
                <option key={count} value={count}>
                  {count}
                </option>
              ))}
            </select>
            <button type="submit" disabled={adding}>
              {adding ? 'Adding…' : 'Add to cart'}
            </button>
          </form>
        ) : (
          <p>{stock > 0 ? 'You have all there is of this in your cart.' : 'Sold out for now.'}</p>
        )}
        {inCart > 0 && (
          <p>
            {inCart} in your cart. <a href={href.cart()}>View cart</a>
          </p>
        )}
        <ErrorMessage error={addError} />
        {added && (
          <p class="notice" role="status">
            {added}
          </p>
        )}
      </div>
      {recommendations.length > 0 && <RecommendationList title="Customers also bought" items={recommendations} />}
    </article>
  );
}
