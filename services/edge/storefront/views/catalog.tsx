import { useEffect, useState } from 'preact/hooks';
import { type Category, type Page, type Product, query, type Recommendation, request } from '../api';
import { ErrorMessage, Loading, PageHeading, Price, ProductArt } from '../components';
import { stockClass, stockText } from '../format';
import { href } from '../route';
import { useShop } from '../shop-context';

const pageSize = 12;

/** The category tree as nested lists of links; the open category is marked as the current page. */
export function CategoryTree({ categories, current }: { categories: Category[]; current?: string }) {
  const branch = (nodes: Category[]) => (
    <ul>
      {nodes.map((category) => (
        <li key={category.id}>
          <a href={href.category(category.id)} aria-current={category.id === current ? 'page' : undefined}>
            {category.name}
          </a>
          {category.children.length > 0 && branch(category.children)}
        </li>
      ))}
    </ul>
  );
  return (
    <nav class="categories" aria-label="Categories">
      <h2>Categories</h2>
      <ul>
        <li>
          <a href={href.home()} aria-current={current === undefined ? 'page' : undefined}>
            All products
          </a>
        </li>
      </ul>
      {branch(categories)}
    </nav>
  );
}

function findCategory(categories: Category[], id: string): Category | undefined {
  for (const category of categories) {
    if (category.id === id) return category;
    const found = findCategory(category.children, id);
    if (found) return found;
  }
  return undefined;
}

export function ProductCard({ product }: { product: Product }) {
  return (
    <li class="card" data-product-id={product.id}>
      <ProductArt id={product.id} name={product.name} />
      <h3>
        <a href={href.product(product.id)}>{product.name}</a>
      </h3>
      <p class="card-meta">
        <Price money={product.price} />
        <span class={stockClass(product.stock)}>{stockText(product.stock)}</span>
      </p>
    </li>
  );
}

export function RecommendationList({ title, items }: { title: string; items: Recommendation[] }) {
  return (
    <section class="recommendations" aria-labelledby="recommendations-title">
      <h2 id="recommendations-title">{title}</h2>
      <ul class="grid">
        {items.map((item) => (
          <li class="card" key={item.productId} data-product-id={item.productId}>
            <ProductArt id={item.productId} name={item.name} />
            <h3>
              <a href={href.product(item.productId)}>{item.name}</a>
            </h3>
            <p class="card-meta">
              <Price money={item.price} />
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * Recommendations come from a service of their own: when it does not answer (not deployed, 404, unavailable) the
 * section is simply not shown.
 */
export function useRecommendations(path: string | undefined, token?: string): Recommendation[] {
  const [items, setItems] = useState<Recommendation[]>([]);
  useEffect(() => {
    setItems([]);
    if (!path) return;
    let current = true;
    request<{ items?: Recommendation[] }>(path, token ? { token } : {}).then(
      (answer) => current && setItems(Array.isArray(answer.items) ? answer.items : []),
      () => current && setItems([]),
    );
    return () => {
      current = false;
    };
  }, [path, token]);
  return items;
}

const sorts = [
  { value: '-createdAt', label: 'Newest' },
  { value: 'name', label: 'Name, A to Z' },
  { value: 'price', label: 'Price, lowest first' },
  { value: '-price', label: 'Price, highest first' },
];

export function CatalogView({ categoryId, q }: { categoryId?: string; q?: string }) {
  const shop = useShop();
  const [sort, setSort] = useState(q ? 'name' : '-createdAt');
  const [products, setProducts] = useState<Product[] | undefined>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [loadingMore, setLoadingMore] = useState(false);
  const picked = useRecommendations(
    shop.customer && !categoryId && !q ? '/api/customers/me/recommendations?limit=4' : undefined,
    shop.session.accessToken,
  );

  const load = async (after?: string) =>
    request<Page<Product>>(`/api/products${query({ categoryId, q, sort, limit: pageSize, cursor: after })}`);

  useEffect(() => {
    let current = true;
    setProducts(undefined);
    setError(undefined);
    load().then(
      (page) => {
        if (!current) return;
        setProducts(page.items);
        setCursor(page.nextCursor);
      },
      (failure) => current && setError(failure),
    );
    return () => {
      current = false;
    };
  }, [categoryId, q, sort]);

  const more = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const page = await load(cursor);
      setProducts((shown) => [...(shown ?? []), ...page.items]);
      setCursor(page.nextCursor);
    } catch (failure) {
      setError(failure);
    } finally {
      setLoadingMore(false);
    }
  };

  const category = categoryId ? findCategory(shop.categories, categoryId) : undefined;
  const title = q !== undefined ? `Search results for “${q}”` : (category?.name ?? 'All products');

  return (
    <div class="catalog">
      <CategoryTree categories={shop.categories} current={categoryId} />
      <section class="products" aria-labelledby="catalog-title">
        <div class="toolbar">
          <PageHeading>
            <span id="catalog-title">{title}</span>
          </PageHeading>
          <label class="sort">
            Sort by{' '}
            <select value={sort} onChange={(event) => setSort((event.target as HTMLSelectElement).value)}>
              {sorts.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <ErrorMessage error={error} />
        {!products && !error && <Loading what="products" />}
        {products && products.length === 0 && (
          <p role="status">{q ? 'No product matches your search.' : 'No products here yet.'}</p>
        )}
        {products && products.length > 0 && (
          <ul class="grid" aria-label="Products">
            {products.map((product) => (
              <ProductCard key={product.id} product={product} />
            ))}
          </ul>
        )}
        {cursor && (
          <button type="button" class="secondary" onClick={more} disabled={loadingMore}>
            {loadingMore ? 'Loading…' : 'Show more products'}
          </button>
        )}
        {picked.length > 0 && <RecommendationList title="Picked for you" items={picked} />}
      </section>
    </div>
  );
}
