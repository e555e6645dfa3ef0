// The analytics API as the dashboard reads it (docs/CONTRACT.md, "Analytics (admin)").

export interface Money {
  amount: number;
  currency: string;
}

export interface Summary {
  from: string;
  to: string;
  orders: { placed: number; held: number; paid: number; failed: number; cancelled: number };
  revenue: Money[];
  averageOrderValue: Money[];
  customers: { registered: number };
}

export interface SalesPoint {
  at: string;
  orders: number;
  revenue: Money[];
}

export interface TopProduct {
  productId: string;
  name: string;
  quantity: number;
  revenue: Money;
}

export interface StockOutlook {
  productId: string;
  name: string;
  available: number;
  dailyDemand: number;
  daysToStockOut: number | null;
}

export interface Figures {
  summary: Summary;
  sales: SalesPoint[];
  topProducts: TopProduct[];
  stockOutlook: StockOutlook[];
}

/** A refused request, with what the problem document says about it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

export async function problemOf(response: Response): Promise<ApiError> {
  let detail = `${response.status} ${response.statusText}`;
  try {
    const problem = (await response.json()) as { detail?: string; title?: string };
    detail = problem.detail ?? problem.title ?? detail;
  } catch {
    // Not a problem document: the status says enough.
  }
  return new ApiError(response.status, detail);
}

async function getJson<T>(path: string, token: string): Promise<T> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  if (!response.ok) throw await problemOf(response);
  return (await response.json()) as T;
}

/** The window the dashboard shows: the 30 days up to now, as the summary's default. */
export function lastThirtyDays(now = new Date()): { from: string; to: string } {
  return { from: new Date(now.getTime() - 30 * 86_400_000).toISOString(), to: now.toISOString() };
}

export async function loadFigures(token: string): Promise<Figures> {
  const { from, to } = lastThirtyDays();
  const range = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  const [summary, sales, topProducts, stockOutlook] = await Promise.all([
    getJson<Summary>(`/api/analytics/summary?${range}`, token),
    getJson<{ points: SalesPoint[] }>(`/api/analytics/sales?${range}&interval=day`, token),
    getJson<TopProduct[]>(`/api/analytics/top-products?${range}&limit=5`, token),
    getJson<StockOutlook[]>('/api/analytics/stock-outlook?limit=8', token),
  ]);
  return { summary, sales: sales.points, topProducts, stockOutlook };
}
